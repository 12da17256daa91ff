//! Mutual TLS: a client certificate, verified against `tls.client_ca` during the
//! handshake, identifies an organisation through the registry `kyoyu cert add` fills.

use std::any::Any;

use actix_web::dev::Extensions;
use sha2::{Digest, Sha256};

/// The verified client certificate of a TLS connection, by SHA-256 of its DER.
#[derive(Debug, Clone)]
pub struct ClientCertificate {
    pub sha256: String,
}

/// Hex SHA-256 of a DER certificate: its fingerprint.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `HttpServer::on_connect` hook: remembers the peer certificate of a TLS connection.
pub fn on_connect(connection: &dyn Any, data: &mut Extensions) {
    type Tls = actix_tls::accept::rustls_0_23::TlsStream<actix_web::rt::net::TcpStream>;
    if let Some(tls) = connection.downcast_ref::<Tls>() {
        let (_, session) = tls.get_ref();
        if let Some(certificate) = session.peer_certificates().and_then(<[_]>::first) {
            data.insert(ClientCertificate {
                sha256: fingerprint(certificate.as_ref()),
            });
        }
    }
}

/// Reads the first certificate of a PEM file, returning its fingerprint and subject
/// text (for the registry), or why it cannot.
pub fn read_pem(path: &std::path::Path) -> Result<(String, String), String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut reader = std::io::BufReader::new(file);
    let certificate = rustls_pemfile::certs(&mut reader)
        .next()
        .ok_or_else(|| format!("{} holds no certificate", path.display()))?
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok((
        fingerprint(certificate.as_ref()),
        path.display().to_string(),
    ))
}

//! JSON lines: one record per event appended to a file (or stdout for `-`), flushed and synced
//! before the batch counts as accepted. The file is opened per batch, so it can be rotated
//! (moved away) while the consumer runs.

use std::fs::OpenOptions;
use std::io::{BufWriter, Write as _};
use std::path::PathBuf;

use super::{Sink, SinkError};
use crate::message::Event;

/// Appends `{"event","message_id","collection","tlp","date_added","object"}` lines.
pub struct JsonLines {
    path: PathBuf,
}

impl JsonLines {
    /// Appends to `path`, created when missing; `-` writes to stdout.
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    fn lines(events: &[Event]) -> Result<Vec<u8>, SinkError> {
        let mut buffer = Vec::new();
        for event in events {
            serde_json::to_writer(&mut buffer, &event.record()).map_err(|e| {
                SinkError::io(format!("serializing {}", event.message_id), e.into())
            })?;
            buffer.push(b'\n');
        }
        Ok(buffer)
    }
}

impl Sink for JsonLines {
    fn deliver(&mut self, events: &[Event]) -> Result<(), SinkError> {
        let buffer = Self::lines(events)?;
        if self.path.as_os_str() == "-" {
            let mut stdout = std::io::stdout().lock();
            return stdout
                .write_all(&buffer)
                .and_then(|()| stdout.flush())
                .map_err(|e| SinkError::io("writing to stdout", e));
        }
        let shown = self.path.display();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| SinkError::io(format!("opening {shown}"), e))?;
        let mut writer = BufWriter::new(file);
        writer
            .write_all(&buffer)
            .and_then(|()| writer.flush())
            .map_err(|e| SinkError::io(format!("writing {shown}"), e))?;
        writer
            .get_ref()
            .sync_data()
            .map_err(|e| SinkError::io(format!("syncing {shown}"), e))
    }
}

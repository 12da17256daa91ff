//! `kyoyu-connect`: parse arguments, init logging on stderr, run one subcommand. Exits 0 on
//! success or a clean stop (SIGINT/SIGTERM), 1 on failure with the cause chain on stderr.

use std::io::IsTerminal as _;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::Context as _;
use clap::Parser as _;
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;

use kyoyu_connectors::cli::{Cli, Command, ConsumeArgs, ImportCsvArgs, ImportMispArgs};
use kyoyu_connectors::feeds::csv::CsvOptions;
use kyoyu_connectors::feeds::{csv, misp};
use kyoyu_connectors::{consumer, import};

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,lapin=warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let result = match cli.command {
        Command::Consume(args) => consume(&args),
        Command::ImportMisp(args) => import_misp(&args),
        Command::ImportCsv(args) => import_csv(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn consume(args: &ConsumeArgs) -> anyhow::Result<()> {
    let sink = args.sink()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let (stop_tx, stop_rx) = watch::channel(false);
        tokio::spawn(async move {
            match shutdown_signal().await {
                Ok(signal) => tracing::info!(signal, "stopping"),
                Err(error) => tracing::error!(%error, "cannot listen for signals; stopping"),
            }
            // The consumer may already have ended; nobody listening is fine.
            let _ = stop_tx.send(true);
        });
        consumer::run(args.settings(), sink, stop_rx).await
    })?;
    Ok(())
}

async fn shutdown_signal() -> std::io::Result<&'static str> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result.map(|()| "SIGINT"),
        _ = terminate.recv() => Ok("SIGTERM"),
    }
}

fn import_misp(args: &ImportMispArgs) -> anyhow::Result<()> {
    let events = misp::load(&args.file)?;
    let converted = misp::convert(&events, args.event_as);
    tracing::info!(
        events = events.len(),
        objects = converted.objects.len(),
        skipped = converted.skipped.len(),
        "MISP converted"
    );
    import::run(&args.hub, converted)
}

fn import_csv(args: &ImportCsvArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let modified = std::fs::metadata(&args.file)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| SystemTime::now());
    let source = args.source.clone().unwrap_or_else(|| {
        args.file
            .file_name()
            .map_or_else(|| "csv".to_owned(), |n| n.to_string_lossy().into_owned())
    });
    let options = CsvOptions {
        type_column: args.type_column.clone(),
        value_column: args.value_column.clone(),
        description_column: args.description_column.clone(),
        first_seen_column: args.first_seen_column.clone(),
        tlp_column: args.tlp_column.clone(),
        confidence_column: args.confidence_column.clone(),
        default_tlp: args.default_tlp,
        source,
        delimiter: args.delimiter,
        modified: modified.into(),
    };
    let converted = csv::convert(&text, &options)
        .with_context(|| format!("reading {} as CSV", args.file.display()))?;
    tracing::info!(
        objects = converted.objects.len(),
        skipped = converted.skipped.len(),
        "CSV converted"
    );
    import::run(&args.hub, converted)
}

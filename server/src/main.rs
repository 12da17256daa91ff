use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = kyoyu::cli::Cli::parse();
    match cli.run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kyoyu: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

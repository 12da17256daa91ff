//! A progress line on stderr: redrawn in place (`\r`) on a terminal, a plain line per update
//! otherwise (logs, CI). Draws nothing else.

use std::io::{IsTerminal as _, Write as _};

/// Progress of `total` items.
pub struct Progress {
    total: usize,
    done: usize,
    label: &'static str,
    terminal: bool,
}

const WIDTH: usize = 30;

impl Progress {
    /// A progress line for `total` items named `label` (e.g. "objects posted").
    pub fn new(total: usize, label: &'static str) -> Self {
        Self {
            total,
            done: 0,
            label,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Adds `n` finished items and redraws.
    pub fn advance(&mut self, n: usize) {
        self.done = (self.done + n).min(self.total);
        let line = render(self.done, self.total, self.label);
        let mut stderr = std::io::stderr().lock();
        // Progress is best effort: a closed stderr must not fail the import.
        let _written = if self.terminal {
            write!(stderr, "\r{line}").and_then(|()| stderr.flush())
        } else {
            writeln!(stderr, "{line}")
        };
    }

    /// Ends the in-place line on a terminal.
    pub fn finish(&self) {
        if self.terminal {
            let _written = writeln!(std::io::stderr());
        }
    }
}

/// `[=========>          ] 500/1234 objects posted (40%)`.
pub fn render(done: usize, total: usize, label: &str) -> String {
    let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    let mut bar = "=".repeat(filled);
    if filled < WIDTH {
        bar.push('>');
        bar.push_str(&" ".repeat(WIDTH - filled - 1));
    }
    format!("[{bar}] {done}/{total} {label} ({percent}%)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_in_proportion() {
        assert_eq!(
            render(0, 10, "objects posted"),
            format!("[>{}] 0/10 objects posted (0%)", " ".repeat(29))
        );
        assert_eq!(
            render(5, 10, "objects posted"),
            format!(
                "[{}>{}] 5/10 objects posted (50%)",
                "=".repeat(15),
                " ".repeat(14)
            )
        );
        assert_eq!(
            render(10, 10, "x"),
            format!("[{}] 10/10 x (100%)", "=".repeat(30))
        );
        assert_eq!(
            render(0, 0, "x"),
            format!("[{}] 0/0 x (100%)", "=".repeat(30))
        );
    }
}

//! CSV IOC lists to STIX 2.1 indicators: a header row names the columns (`type`, `value`,
//! `description`, `first_seen`, `tlp`, `confidence` by default); rows whose type column is
//! absent or empty have their type guessed from the value. Includes the small RFC 4180
//! reader it needs. No I/O.

use std::collections::HashMap;

use time::OffsetDateTime;

use super::Converted;
use super::stix::{self, IndicatorSpec, IocKind, Tlp};

/// Column names (matched case-insensitively) and defaults.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    pub type_column: String,
    pub value_column: String,
    pub description_column: String,
    pub first_seen_column: String,
    pub tlp_column: String,
    pub confidence_column: String,
    /// TLP for rows without one; none leaves the collection's default to the hub.
    pub default_tlp: Option<Tlp>,
    /// Names the list in the derived ids, so the same value in two lists is two indicators.
    pub source: String,
    pub delimiter: char,
    /// `modified` of every indicator (the file's modification time): an unchanged file
    /// re-imports as the same versions, an edited one as new versions.
    pub modified: OffsetDateTime,
}

/// Why a CSV list cannot be converted at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CsvError {
    #[error("the file has no header row")]
    NoHeader,
    #[error("the header has no '{wanted}' column (columns: {found})")]
    MissingColumn { wanted: String, found: String },
}

/// One record and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub fields: Vec<String>,
}

/// RFC 4180 records: `"` quotes fields (`""` is a quote inside them, and quoted fields may
/// span lines), CRLF or LF ends a record. Blank lines and lines starting with `#` are skipped;
/// a leading byte-order mark is dropped; an unterminated quote runs to the end of the text.
pub fn read_rows(text: &str, delimiter: char) -> Vec<Row> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut at_record_start = true;
    let mut line = 1;
    let mut record_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if at_record_start {
            record_line = line;
            if c == '#' || c == '\n' || c == '\r' {
                // Comment or blank line: skip to the end of the line.
                let mut c = c;
                while c != '\n' {
                    match chars.next() {
                        Some(next) => c = next,
                        None => break,
                    }
                }
                line += 1;
                continue;
            }
            at_record_start = false;
        }
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                rows.push(Row {
                    line: record_line,
                    fields: std::mem::take(&mut fields),
                });
                line += 1;
                at_record_start = true;
            }
            c if c == delimiter => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    if !at_record_start {
        fields.push(field);
        rows.push(Row {
            line: record_line,
            fields,
        });
    }
    rows
}

/// Converts a CSV IOC list; rows that cannot become an indicator are skipped with the reason.
pub fn convert(text: &str, options: &CsvOptions) -> Result<Converted, CsvError> {
    let mut rows = read_rows(text, options.delimiter).into_iter();
    let header = rows.next().ok_or(CsvError::NoHeader)?;
    let names: Vec<String> = header
        .fields
        .iter()
        .map(|f| f.trim().to_ascii_lowercase())
        .collect();
    let column = |name: &str| {
        names
            .iter()
            .position(|n| *n == name.trim().to_ascii_lowercase())
    };
    let value_index = column(&options.value_column).ok_or_else(|| CsvError::MissingColumn {
        wanted: options.value_column.clone(),
        found: names.join(", "),
    })?;
    let type_index = column(&options.type_column);
    let description_index = column(&options.description_column);
    let first_seen_index = column(&options.first_seen_column);
    let tlp_index = column(&options.tlp_column);
    let confidence_index = column(&options.confidence_column);

    let mut out = Converted::default();
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let cell = |index: Option<usize>| {
            index
                .and_then(|i| row.fields.get(i))
                .map(|f| f.trim())
                .filter(|f| !f.is_empty())
        };
        let location = format!("line {}", row.line);
        let Some(raw_value) = cell(Some(value_index)) else {
            out.skip(location, "empty value");
            continue;
        };
        let value = stix::refang(raw_value);
        let kind = match cell(type_index) {
            Some(name) => match IocKind::from_name(name, &value) {
                Some(kind) => kind,
                None => {
                    out.skip(location, format!("unknown type '{name}'"));
                    continue;
                }
            },
            None => match IocKind::detect(&value) {
                Some(kind) => kind,
                None => {
                    out.skip(location, format!("cannot tell the type of '{value}'"));
                    continue;
                }
            },
        };
        let value = match kind.normalise(&value) {
            Ok(value) => value,
            Err(reason) => {
                out.skip(location, reason);
                continue;
            }
        };
        let first_seen = match cell(first_seen_index) {
            Some(text) => match stix::parse_time(text) {
                Some(at) => Some(at),
                None => {
                    out.skip(location, format!("first_seen '{text}' is not a time"));
                    continue;
                }
            },
            None => None,
        };
        let tlp = match cell(tlp_index) {
            Some(text) => match Tlp::parse(text) {
                Some(tlp) => Some(tlp),
                None => {
                    out.skip(location, format!("unknown TLP '{text}'"));
                    continue;
                }
            },
            None => options.default_tlp,
        };
        let confidence = match cell(confidence_index) {
            Some(text) => match confidence(text) {
                Some(c) => Some(c),
                None => {
                    out.skip(
                        location,
                        format!("confidence '{text}' is neither 0-100 nor low/medium/high"),
                    );
                    continue;
                }
            },
            None => None,
        };
        let comparison = kind.comparison(&value);
        let description = cell(description_index).map_or_else(
            || format!("{} listed in {}", kind.name(), options.source),
            str::to_owned,
        );
        let id = stix::deterministic_id(
            "indicator",
            &format!("csv\n{}\n{comparison}", options.source),
        );
        if let Some(first) = first_line_of.get(&id) {
            out.skip(location, format!("duplicate of line {first}"));
            continue;
        }
        first_line_of.insert(id.clone(), row.line);
        let created = first_seen.unwrap_or(options.modified);
        let modified = options.modified.max(created);
        out.objects.push(stix::indicator(IndicatorSpec {
            id,
            created: stix::timestamp(created),
            modified: stix::timestamp(modified),
            name: value,
            description: Some(description),
            pattern: stix::pattern(&[comparison]),
            valid_from: stix::timestamp(created),
            valid_until: None,
            confidence,
            labels: Vec::new(),
            tlp,
            external_references: Vec::new(),
        }));
    }
    Ok(out)
}

/// 0-100, or the STIX 2.1 "Low/Med/High" scale words (appendix A: 15, 50, 85).
fn confidence(text: &str) -> Option<u8> {
    match text.to_ascii_lowercase().as_str() {
        "none" => Some(0),
        "low" => Some(15),
        "med" | "medium" => Some(50),
        "high" => Some(85),
        number => number.parse::<u8>().ok().filter(|c| *c <= 100),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(rows: &[Row]) -> Vec<(usize, Vec<&str>)> {
        rows.iter()
            .map(|r| (r.line, r.fields.iter().map(String::as_str).collect()))
            .collect()
    }

    #[test]
    fn quoted_fields_comments_and_line_endings_are_read() {
        let text = "\u{feff}type,value,description\r\n# a comment, with a comma\r\n\r\nip,1.2.3.4,\"say \"\"hi\"\", twice\"\r\nurl,http://x.example/,\"two\nlines\"\nsha1,abc";
        assert_eq!(
            fields(&read_rows(text, ',')),
            vec![
                (1, vec!["type", "value", "description"]),
                (4, vec!["ip", "1.2.3.4", "say \"hi\", twice"]),
                (5, vec!["url", "http://x.example/", "two\nlines"]),
                (7, vec!["sha1", "abc"]),
            ]
        );
    }

    #[test]
    fn another_delimiter_is_honoured() {
        assert_eq!(
            fields(&read_rows("value;tlp\nevil.example;red\n", ';')),
            vec![(1, vec!["value", "tlp"]), (2, vec!["evil.example", "red"])]
        );
    }

    #[test]
    fn confidence_takes_numbers_and_scale_words() {
        let cases = [
            ("0", Some(0)),
            ("100", Some(100)),
            ("101", None),
            ("High", Some(85)),
            ("-1", None),
        ];
        for (text, expected) in cases {
            assert_eq!(confidence(text), expected, "text: {text}");
        }
    }
}

//! Timestamps: STIX's strict form, RFC 3339's looser one, and TAXII's six-digit output.
//!
//! STIX timestamps are kept as the text the producer sent; what this module adds is a
//! sortable key (`VersionKey`) so versions compare by instant without re-printing them.

use std::fmt;

/// A point in time with nanosecond precision, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub seconds: i64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    pub nanos: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    #[error("is not a timestamp of the form YYYY-MM-DDTHH:MM:SS[.s+]Z")]
    Malformed,
    #[error("has a date or time out of range")]
    OutOfRange,
    #[error("must be in UTC, ending in an upper-case 'Z'")]
    NotUtc,
}

/// What the fractional part of a STIX timestamp looked like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    pub instant: Instant,
    /// Number of fractional-second digits as written (0 when there is no fraction).
    pub fraction_digits: usize,
}

/// STIX 2.1 "Timestamp": `YYYY-MM-DDTHH:mm:ss[.s+]Z`, upper-case `T` and `Z`, UTC only.
pub fn parse_stix(text: &str) -> Result<Parsed, TimestampError> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[10] != b'T' {
        return Err(TimestampError::Malformed);
    }
    if !text.ends_with('Z') {
        return Err(if text.ends_with('z') || has_offset(bytes) {
            TimestampError::NotUtc
        } else {
            TimestampError::Malformed
        });
    }
    let (instant, fraction_digits) = parse_core(&bytes[..bytes.len() - 1])?;
    Ok(Parsed {
        instant,
        fraction_digits,
    })
}

/// RFC 3339 `date-time` as TAXII's `added_after` allows: any fraction length, `T`/`t`,
/// `Z`/`z` or a numeric offset.
pub fn parse_rfc3339(text: &str) -> Result<Instant, TimestampError> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !matches!(bytes[10], b'T' | b't') {
        return Err(TimestampError::Malformed);
    }
    let (body, offset_seconds) = match bytes[bytes.len() - 1] {
        b'Z' | b'z' => (&bytes[..bytes.len() - 1], 0),
        _ => {
            let split = bytes
                .len()
                .checked_sub(6)
                .ok_or(TimestampError::Malformed)?;
            let offset = &bytes[split..];
            let sign = match offset[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return Err(TimestampError::Malformed),
            };
            if offset[3] != b':' {
                return Err(TimestampError::Malformed);
            }
            let hours = digits(&offset[1..3])?;
            let minutes = digits(&offset[4..6])?;
            if hours > 23 || minutes > 59 {
                return Err(TimestampError::OutOfRange);
            }
            (&bytes[..split], sign * (hours * 3600 + minutes * 60))
        }
    };
    let (instant, _) = parse_core(body)?;
    Ok(Instant {
        seconds: instant.seconds - offset_seconds,
        nanos: instant.nanos,
    })
}

fn has_offset(bytes: &[u8]) -> bool {
    bytes.len() > 6 && matches!(bytes[bytes.len() - 6], b'+' | b'-')
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.f+]` (the `T` already checked).
fn parse_core(bytes: &[u8]) -> Result<(Instant, usize), TimestampError> {
    if bytes.len() < 19
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return Err(TimestampError::Malformed);
    }
    let year = digits(&bytes[0..4])?;
    let month = digits(&bytes[5..7])?;
    let day = digits(&bytes[8..10])?;
    let hour = digits(&bytes[11..13])?;
    let minute = digits(&bytes[14..16])?;
    let second = digits(&bytes[17..19])?;
    let (nanos, fraction_digits) = match &bytes[19..] {
        [] => (0, 0),
        [b'.', fraction @ ..] if !fraction.is_empty() => {
            if !fraction.iter().all(u8::is_ascii_digit) {
                return Err(TimestampError::Malformed);
            }
            let mut nanos: u32 = 0;
            for position in 0..9 {
                let digit = fraction.get(position).map_or(0, |d| u32::from(d - b'0'));
                nanos = nanos * 10 + digit;
            }
            (nanos, fraction.len())
        }
        _ => return Err(TimestampError::Malformed),
    };
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(TimestampError::OutOfRange);
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    Ok((Instant { seconds, nanos }, fraction_digits))
}

fn digits(bytes: &[u8]) -> Result<i64, TimestampError> {
    bytes.iter().try_fold(0i64, |value, byte| {
        if byte.is_ascii_digit() {
            Ok(value * 10 + i64::from(byte - b'0'))
        } else {
            Err(TimestampError::Malformed)
        }
    })
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl Instant {
    /// Microseconds since the epoch, truncating finer precision.
    pub fn as_micros(self) -> i64 {
        self.seconds * 1_000_000 + i64::from(self.nanos / 1000)
    }

    pub fn from_micros(micros: i64) -> Self {
        Instant {
            seconds: micros.div_euclid(1_000_000),
            nanos: u32::try_from(micros.rem_euclid(1_000_000) * 1000).unwrap_or(0),
        }
    }

    /// The current time, in microseconds.
    pub fn now_micros() -> i64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(now.as_micros()).unwrap_or(i64::MAX)
    }

    /// A fixed-width text that sorts like the instant: `YYYYY...` seconds and nanoseconds.
    /// Used to compare and match versions whatever precision they were written with.
    pub fn version_key(self) -> String {
        // Offset keeps years before 1970 sortable as text.
        let shifted = self.seconds.saturating_add(100_000_000_000);
        format!("{shifted:012}.{:09}", self.nanos)
    }
}

/// A TAXII timestamp: RFC 3339 in UTC with exactly six fractional digits.
pub struct TaxiiTimestamp(pub i64);

impl fmt::Display for TaxiiTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let micros = self.0;
        let seconds = micros.div_euclid(1_000_000);
        let fraction = micros.rem_euclid(1_000_000);
        let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
        let second_of_day = seconds.rem_euclid(86_400);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction:06}Z",
            second_of_day / 3600,
            second_of_day % 3600 / 60,
            second_of_day % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stix_timestamps_parse_or_fail_by_the_spec_form() {
        let cases = [
            ("2016-04-06T20:03:48.000Z", true),
            ("2016-04-06T20:03:48Z", true),
            ("2016-04-06T20:03:48.123456789123Z", true),
            ("2016-02-29T00:00:00Z", true),
            ("2015-02-29T00:00:00Z", false),
            ("2016-04-06 20:03:48Z", false),
            ("2016-04-06t20:03:48Z", false),
            ("2016-04-06T20:03:48z", false),
            ("2016-04-06T20:03:48+00:00", false),
            ("2016-04-06T20:03:48.Z", false),
            ("2016-13-06T20:03:48Z", false),
            ("2016-04-06T24:03:48Z", false),
            ("", false),
        ];
        for (text, valid) in cases {
            assert_eq!(parse_stix(text).is_ok(), valid, "case {text:?}");
        }
    }

    #[test]
    fn rfc3339_accepts_offsets_and_lower_case() {
        let utc = parse_rfc3339("2020-01-01T10:00:00Z").expect("utc");
        assert_eq!(parse_rfc3339("2020-01-01t10:00:00z"), Ok(utc));
        assert_eq!(parse_rfc3339("2020-01-01T19:00:00+09:00"), Ok(utc));
        assert_eq!(parse_rfc3339("2020-01-01T09:30:00-00:30"), Ok(utc));
        assert_eq!(parse_rfc3339("2020-01-01T10:00:00.000000000Z"), Ok(utc));
        assert!(parse_rfc3339("2020-01-01").is_err());
        assert!(parse_rfc3339("2020-01-01T10:00:00+0900").is_err());
    }

    #[test]
    fn taxii_timestamps_print_six_digits_and_round_trip() {
        for text in [
            "1970-01-01T00:00:00.000000Z",
            "2024-03-08T12:34:56.789012Z",
            "1969-12-31T23:59:59.999999Z",
        ] {
            let instant = parse_rfc3339(text).expect(text);
            assert_eq!(
                TaxiiTimestamp(instant.as_micros()).to_string(),
                text,
                "case {text}"
            );
        }
    }

    #[test]
    fn version_keys_sort_like_instants_and_ignore_written_precision() {
        let a = parse_stix("2016-01-01T00:00:00Z").expect("a").instant;
        let b = parse_stix("2016-01-01T00:00:00.000Z").expect("b").instant;
        let c = parse_stix("2016-01-01T00:00:00.001Z").expect("c").instant;
        let early = parse_stix("1960-01-01T00:00:00Z").expect("early").instant;
        assert_eq!(a.version_key(), b.version_key());
        assert!(b.version_key() < c.version_key());
        assert!(early.version_key() < a.version_key());
    }
}

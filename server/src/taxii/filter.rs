//! Query parameters of listing endpoints: `added_after`, `limit`, `next` and the
//! `match[...]` filters (TAXII 2.1 section 3.4), parsed into storage `Filters`.

use crate::config::TaxiiSettings;
use crate::error::{ApiError, ErrorCode};
use crate::stix::id::{StixId, check_type_name};
use crate::stix::timestamp;
use crate::storage::objects::{Filters, VersionSelector};

/// A listing request: the filters, the page size and the cursor text, plus the
/// canonical form of the filters that cursors are bound to.
#[derive(Debug, Clone)]
pub struct Listing {
    pub filters: Filters,
    pub limit: u32,
    pub next: Option<String>,
    pub canonical: String,
}

fn invalid(parameter: &str, detail: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidFilter,
        format!("query parameter '{parameter}' {detail}"),
    )
}

/// Splits a comma-separated list, refusing empty items.
fn items<'a>(parameter: &str, value: &'a str) -> Result<Vec<&'a str>, ApiError> {
    value
        .split(',')
        .map(|item| {
            let item = item.trim();
            if item.is_empty() {
                Err(invalid(parameter, "has an empty item"))
            } else {
                Ok(item)
            }
        })
        .collect()
}

/// Parses the query string. Repeated parameters add to each other; parameters the spec
/// does not define are ignored.
pub fn parse(query: &str, settings: &TaxiiSettings) -> Result<Listing, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidFilter,
            format!("the query string is malformed: {e}"),
        )
    })?;
    let mut filters = Filters::default();
    let mut limit = settings.default_page_size;
    let mut next = None;
    let mut versions: Option<VersionSelector> = None;
    let mut canonical: Vec<(String, String)> = Vec::new();

    for (name, value) in pairs {
        match name.as_str() {
            "added_after" => {
                let instant = timestamp::parse_rfc3339(value.trim()).map_err(|e| {
                    invalid(
                        &name,
                        format_args!("{e} (an RFC 3339 date-time is expected)"),
                    )
                })?;
                filters.added_after = Some(instant.as_micros());
            }
            "limit" => {
                let requested: u64 = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| invalid(&name, "must be a positive integer"))?;
                limit = u32::try_from(requested)
                    .unwrap_or(u32::MAX)
                    .min(settings.max_page_size);
                continue;
            }
            "next" => {
                next = Some(value);
                continue;
            }
            "match[id]" => {
                for item in items(&name, &value)? {
                    StixId::parse(item)
                        .map_err(|e| invalid(&name, format_args!("item '{item}' {e}")))?;
                    filters.ids.push(item.to_owned());
                }
            }
            "match[type]" => {
                for item in items(&name, &value)? {
                    check_type_name(item)
                        .map_err(|e| invalid(&name, format_args!("item '{item}': a type {e}")))?;
                    filters.types.push(item.to_owned());
                }
            }
            "match[version]" => {
                let selector = versions.get_or_insert(VersionSelector {
                    last: false,
                    ..VersionSelector::default()
                });
                for item in items(&name, &value)? {
                    match item {
                        "all" => selector.all = true,
                        "first" => selector.first = true,
                        "last" => selector.last = true,
                        text => {
                            let instant = timestamp::parse_rfc3339(text).map_err(|e| {
                                invalid(
                                    &name,
                                    format_args!(
                                        "item '{text}' {e}; use first, last, all or a timestamp"
                                    ),
                                )
                            })?;
                            selector.keys.push(instant.version_key());
                        }
                    }
                }
            }
            "match[spec_version]" => {
                for item in items(&name, &value)? {
                    let well_formed = item.split_once('.').is_some_and(|(major, minor)| {
                        !major.is_empty()
                            && !minor.is_empty()
                            && major
                                .bytes()
                                .chain(minor.bytes())
                                .all(|b| b.is_ascii_digit())
                    });
                    if !well_formed {
                        return Err(invalid(
                            &name,
                            format_args!("item '{item}' is not a version like 2.1"),
                        ));
                    }
                    filters.spec_versions.push(item.to_owned());
                }
            }
            _ => continue,
        }
        canonical.push((name, value));
    }
    if let Some(selector) = versions {
        filters.versions = selector;
    }
    canonical.sort();
    let canonical = canonical
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&");
    Ok(Listing {
        filters,
        limit,
        next,
        canonical,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> TaxiiSettings {
        TaxiiSettings {
            default_page_size: 100,
            max_page_size: 1000,
            ..TaxiiSettings::default()
        }
    }

    #[test]
    fn filters_parse_lists_versions_and_limits() {
        let listing = parse(
            "match[type]=indicator,malware&match[version]=first,2016-01-01T00:00:00Z&limit=5000&added_after=2020-01-01T09:00:00%2B09:00&x=1",
            &settings(),
        )
        .expect("parses");
        assert_eq!(listing.filters.types, ["indicator", "malware"]);
        assert!(listing.filters.versions.first && !listing.filters.versions.last);
        assert_eq!(listing.filters.versions.keys.len(), 1);
        assert_eq!(listing.limit, 1000, "clamped to the maximum");
        assert_eq!(listing.filters.added_after, Some(1_577_836_800_000_000));
    }

    #[test]
    fn defaults_are_latest_version_and_default_page_size() {
        let listing = parse("", &settings()).expect("parses");
        assert_eq!(listing.filters.versions, VersionSelector::default());
        assert_eq!(listing.limit, 100);
    }

    #[test]
    fn bad_values_name_the_parameter() {
        for (query, parameter) in [
            ("limit=0", "limit"),
            ("limit=abc", "limit"),
            ("added_after=yesterday", "added_after"),
            ("match[id]=not-an-id", "match[id]"),
            ("match[type]=Indicator", "match[type]"),
            ("match[version]=newest", "match[version]"),
            ("match[spec_version]=two", "match[spec_version]"),
            ("match[type]=indicator,,malware", "match[type]"),
        ] {
            let error = parse(query, &settings()).expect_err(query).to_string();
            assert!(error.contains(parameter), "case {query}: {error}");
        }
    }

    #[test]
    fn the_canonical_form_ignores_order_limit_and_next() {
        let a = parse(
            "match[type]=indicator&added_after=2020-01-01T00:00:00Z&limit=5",
            &settings(),
        )
        .expect("a");
        let b = parse(
            "added_after=2020-01-01T00:00:00Z&next=abc&match[type]=indicator",
            &settings(),
        )
        .expect("b");
        assert_eq!(a.canonical, b.canonical);
    }
}

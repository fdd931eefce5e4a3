//! Which stored documents an export takes: `--since`, `--site`, `--type`.

use crate::store::StoredDocument;
use chrono::{DateTime, NaiveDate, Utc};
use gleaner_clean::PageType;

/// Every condition given must hold; none given takes everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Seen (fetched or read) at or after this time: new, or seen again.
    pub since: Option<DateTime<Utc>>,
    /// From this host or one of its subdomains (`example.org` takes `www.example.org`).
    pub site: Option<String>,
    pub page_type: Option<PageType>,
}

impl Filter {
    pub fn admits(&self, doc: &StoredDocument) -> bool {
        let recent = self.since.is_none_or(|t| doc.last_seen >= t);
        let typed = self
            .page_type
            .is_none_or(|t| doc.metadata.page_type == Some(t));
        let sited = self.site.as_deref().is_none_or(|site| {
            let host = doc.host.as_deref().or(doc.metadata.hostname.as_deref());
            host.is_some_and(|h| on_site(h, site))
        });
        recent && typed && sited
    }
}

fn on_site(host: &str, site: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let site = site.trim_end_matches('.').to_ascii_lowercase();
    host == site
        || host
            .strip_suffix(site.as_str())
            .is_some_and(|rest| rest.ends_with('.'))
}

/// `--since`: an RFC 3339 time (`2026-11-20T08:00:00Z`) or a day (`2026-11-20`, from
/// its start, UTC).
pub fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| format!("{text:?} is neither a day (2026-11-20) nor an RFC 3339 time"))
}

/// `--type`: one of the page types' names.
pub fn parse_type(text: &str) -> Result<PageType, String> {
    PageType::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = PageType::ALL.iter().map(|t| t.name()).collect();
        format!("{text:?} is not a page type ({})", names.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_take_their_subdomains_only() {
        assert!(on_site("www.example.org", "example.org"));
        assert!(on_site("Example.ORG.", "example.org"));
        assert!(!on_site("badexample.org", "example.org"));
        assert!(!on_site("example.org.evil.net", "example.org"));
    }

    #[test]
    fn since_takes_days_and_times() {
        assert_eq!(
            parse_since("2026-11-20").unwrap().to_rfc3339(),
            "2026-11-20T00:00:00+00:00"
        );
        assert_eq!(
            parse_since("2026-11-20T10:00:00+02:00")
                .unwrap()
                .to_rfc3339(),
            "2026-11-20T08:00:00+00:00"
        );
        assert!(parse_since("last week").unwrap_err().contains("neither"));
        assert!(parse_type("articel").unwrap_err().contains("article"));
    }
}

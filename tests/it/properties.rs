//! Properties of the whole cleaner: any bytes in, no panic; same input, same output;
//! cleaning its own output changes nothing.

use gleaner::{Cleaner, Hints};
use proptest::prelude::*;

fn cleaner() -> Cleaner {
    Cleaner::new(&Default::default()).unwrap()
}

/// Lines that look like a page dump: words, punctuation, furniture-like snippets.
fn dump_line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z ,.'!?-]{0,200}",
        "(Home|News|Share|Related Posts|spot_img|-|LEAVE A REPLY|Scroll to Top)",
        "[A-Z][a-z]+( [a-z]+){5,40}\\.",
        "\\PC{0,80}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = cleaner().clean(&bytes, &Hints::default());
    }

    #[test]
    fn html_like_input_never_panics(body in "(<[a-z]{1,6}( [a-z]+=\"[^\"]{0,10}\")?>|</[a-z]{1,6}>|[^<]{0,30}){0,60}") {
        let page = format!("<!doctype html><html><body>{body}</body></html>");
        let _ = cleaner().clean(page.as_bytes(), &Hints::default());
    }

    #[test]
    fn text_cleaning_is_deterministic_and_idempotent(lines in proptest::collection::vec(dump_line(), 0..60)) {
        let c = cleaner();
        let hints = Hints::default().with_content_type("text/plain");
        let input = lines.join("\n");
        let Ok(first) = c.clean(input.as_bytes(), &hints) else { return Ok(()); };
        let again = c.clean(input.as_bytes(), &hints).unwrap();
        prop_assert_eq!(&first, &again);
        let text = first.text();
        if let Ok(second) = c.clean(text.as_bytes(), &hints) {
            prop_assert_eq!(second.text(), text);
        } else {
            prop_assert!(text.trim().is_empty());
        }
    }
}

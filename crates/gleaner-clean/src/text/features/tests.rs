use super::*;

fn line(t: &str) -> Line<'_> {
    Line::new(t, &Stopwords::new(), &mut String::new())
}

#[test]
fn cjk_text_measures_like_prose() {
    let l = line("東京都は来月から新しい交通規則を導入すると発表しました。専門家によると、この変更は多くの市民の日常生活に影響を与える見込みです。");
    assert!(
        l.chars > 150 && l.words > 25,
        "{} chars, {} words",
        l.chars,
        l.words
    );
    assert_eq!(l.ending, Ending::Period);
}

#[test]
fn features_of_typical_lines() {
    let p = line("The talks ended. Nobody expected much of them, he said.");
    assert_eq!(p.ending, Ending::Period);
    assert_eq!(p.inner_stops, 1);
    assert!(p.stop_density(Some(0)) > 0.3);
    assert!(!p.heading_like());
    assert!(line("What the papers say").heading_like());
    assert!(line("What's behind the headline?").heading_like());
    assert!(line("-").separator);
    assert!(line("HomeWorldRussia And Ukraine Make Scant Progress...").glued);
    assert!(!line("iPhone sales rise").glued);
    assert_eq!(line("Leaders In Brief…").ending, Ending::Ellipsis);
    assert!(line("© 2025 Example Inc").copyright);
    assert!(line("We use cookies to improve your experience on our website.").copyright);
    assert!(!line("Bake the cookies for twelve minutes.").copyright);
    assert!(line("Privacy Policy").copyright);
    assert!(line("Photo: Jane Doe for The Times").copyright);
    assert!(!line("Photo albums were her passion").copyright);
    assert!(line("Advertisement").copyright);
    assert!(line("5 min read").copyright);
    assert!(line("Joined: Mar 2010").button);
    assert!(line("Add to cart").button);
    assert!(!line("Add a pinch of salt and stir").button);
    assert!(line("answered Mar 26, 2019 at 16:59").button);
    assert!(line("Last edited: Sep 6, 2022").button);
    assert!(line("12.4k55 gold badges5050 silver badges4646 bronze badges").button);
    assert!(line("Click to expand...").button);
    assert!(line("Reply").button);
    assert!(!line("Reply to the council's letter").button);
    assert!(line("Share on Pinterest").button);
    assert!(!line("Share your thoughts with the team").button);
    assert!(line("Reading Time: 3 minutes").copyright);
    assert!(line("You should upgrade or use an alternative browser.").copyright);
    assert!(
        line("Store and/or access information on a device 91 partners can use this purpose")
            .copyright
    );
    assert!(!line("The partners met to discuss the purpose of the merger.").copyright);
    assert!(line("$36.00").price);
    assert_eq!(line("12 Comments").after_article, Some(After::Comments));
    assert!(line("3 thoughts on “Why bother”").after_article.is_some());
    assert_eq!(line("Comments (4)").after_article, Some(After::Comments));
    assert_eq!(
        line("Vos réactions (11)").after_article,
        Some(After::Comments)
    );
    assert_eq!(
        line("142 Antworten zu „Würde“").after_article,
        Some(After::Comments)
    );
    assert_eq!(line("2 Kommentare").after_article, Some(After::Comments));
    assert!(line("3 thoughts on “Paris (2019)”").after_article.is_some());
    assert!(line("Kommentare (viele)").after_article.is_none());
    assert!(line("Add a comment").after_article.is_none());
    assert!(line("12 comments were left").after_article.is_none());
    assert!(line("You Might Also Like…").after_article.is_some());
    assert!(line("More from Science").after_article.is_some());
    assert!(line("Related Stories").after_article.is_some());
    assert!(line("Customer Reviews (12)").after_article.is_some());
    assert_eq!(line("12 reviews").after_article, Some(After::Other));
    assert!(line("Reviews of the new budget").after_article.is_none());
    assert!(
        line("More from the board's chair, who spoke at length about it")
            .after_article
            .is_none()
    );
}

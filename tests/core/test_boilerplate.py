"""Tests for pipelines.core.boilerplate: each line-level rule, and what it must not touch."""

from __future__ import annotations

from pipelines.core.boilerplate import clean_paragraphs

BODY = [
    "The city council approved the new budget on Tuesday after a long debate.",
    "Supporters said the plan would fund schools, while critics warned of higher taxes.",
    "The mayor is expected to sign the measure later this week, officials said.",
    "A final vote on the related transport plan is scheduled for next month.",
]


def test_plain_article_is_untouched() -> None:
    assert clean_paragraphs(BODY) == BODY


def test_leading_headline_copy_is_dropped() -> None:
    lines = ["Council Approves Budget", *BODY]
    assert clean_paragraphs(lines, ("Council approves budget",)) == BODY
    # a headline that is not at the top stays
    assert (
        clean_paragraphs([*BODY, "Council Approves Budget"], ("Council approves budget",))[-1]
        == "Council Approves Budget"
    )


def test_leading_date_and_byline_lines_are_dropped() -> None:
    lines = ["Thursday, 26 September 2024 at 14:05", "5:45 AM PST 11/19/2019 by Jane Doe", *BODY]
    assert clean_paragraphs(lines) == BODY


def test_a_first_paragraph_that_mentions_a_date_stays() -> None:
    first = (
        "On 26 September 2024 the council met to discuss the budget for the next two years "
        "and heard from residents."
    )
    assert clean_paragraphs([first, *BODY]) == [first, *BODY]


def test_labels_are_dropped_anywhere() -> None:
    lines = [BODY[0], "Advertisement", BODY[1], "- Share this article", "3 min read", BODY[2]]
    assert clean_paragraphs(lines) == BODY[:3]


def test_teasers_for_other_stories_are_dropped() -> None:
    lines = [
        BODY[0],
        "Related: Council delays vote on transport plan",
        BODY[1],
        "READ MORE: Five things to know about the budget",
        "Lire aussi : Le budget de la ville en cinq points",
        BODY[2],
    ]
    assert clean_paragraphs(lines) == BODY[:3]


def test_click_to_tweet_suffix_is_removed() -> None:
    assert clean_paragraphs(["Budgets are moral documents.Click To Tweet", *BODY])[0] == (
        "Budgets are moral documents."
    )


def test_menu_runs_at_the_start_and_end_are_dropped() -> None:
    menu = ["Home", "World", "Business", "Sport", "Culture"]
    assert clean_paragraphs([*menu, *BODY, *menu]) == BODY


def test_a_short_list_inside_the_text_stays() -> None:
    lines = [BODY[0], "Schools", "Roads", "Parks", "Libraries", BODY[1]]
    assert clean_paragraphs(lines) == lines


def test_spanish_teasers_and_related_headings_are_dropped() -> None:
    lines = [
        BODY[0],
        "Lea más: El concejo aplaza la votación del plan de transporte",
        BODY[1],
        "LE PUEDE INTERESAR: Cinco claves del presupuesto",
        "Mire: El alcalde visita la escuela",
        BODY[2],
        BODY[3],
        "Notas relacionadas",
        "El concejo aplaza la votación",
    ]
    assert clean_paragraphs(lines) == BODY
    # a sentence that starts with the same word is text
    kept = [*BODY[:3], "Mira la lista completa de obras en el sitio del ayuntamiento, dijo."]
    assert clean_paragraphs(kept) == kept


def test_a_related_section_at_the_end_is_cut() -> None:
    lines = [*BODY, "You may also like:", "Council delays vote", "Mayor visits school"]
    assert clean_paragraphs(lines) == BODY


def test_a_section_heading_early_in_the_text_does_not_cut_it() -> None:
    lines = [BODY[0], "Related", *BODY[1:], *BODY]
    assert clean_paragraphs(lines) == [BODY[0], *BODY[1:], *BODY]


def test_closing_boilerplate_lines_are_dropped() -> None:
    lines = [
        *BODY,
        "(Reporting by Jane Doe; Editing by John Roe)",
        "Email the author at jane.doe@example.com",
        "Follow us on Twitter and Facebook for more local news.",
        "Sign up for our morning newsletter to get the day's top stories.",
        "© 2024 Example News. All rights reserved.",
    ]
    assert clean_paragraphs(lines) == BODY


def test_a_long_closing_paragraph_that_mentions_a_newsletter_stays() -> None:
    long_line = " ".join(["The newsletter industry has grown quickly in recent years."] * 8)
    assert clean_paragraphs([*BODY, long_line]) == [*BODY, long_line]


def test_a_newsletter_mention_mid_text_stays() -> None:
    line = "The council published the figures in its newsletter on Monday."
    assert clean_paragraphs([BODY[0], line, *BODY[1:]]) == [BODY[0], line, *BODY[1:]]


def test_copyright_notice_and_bare_link_at_the_start_are_dropped() -> None:
    lines = [
        "This copy is for your personal, non-commercial use only.",
        "https://www.example.com/news/council-budget",
        *BODY,
    ]
    assert clean_paragraphs(lines) == BODY


def test_cjk_text_is_not_taken_for_a_menu() -> None:
    lines = [
        "今日は良い天気です。",
        "公園を散歩しました。",
        "花が咲いていました。",
        "楽しかった。",
        "また行きたい。",
    ]
    assert clean_paragraphs(lines) == lines


def test_closing_sentences_that_only_mention_prompts_or_copyright_stay() -> None:
    for last in (
        "Residents can sign up for the program at city hall.",
        "The copyright dispute over the mural is expected to reach court next year.",
        "Users who subscribe to the service will pay more from January.",
        "She urged residents to share it with their neighbours.",
    ):
        assert clean_paragraphs([*BODY, last])[-1] == last
        assert clean_paragraphs([last, *BODY])[0] == last


def test_a_short_dated_sentence_at_the_start_stays() -> None:
    first = "On Sept. 26, 2024, the council voted to raise taxes."
    assert clean_paragraphs([first, *BODY]) == [first, *BODY]


def test_newsletter_promo_at_the_end_is_dropped() -> None:
    lines = [
        *BODY,
        "Pick Six Newsletter",
        "There's plenty more. Sign up for The Morning Brief to get it in your inbox daily.",
    ]
    assert clean_paragraphs(lines) == BODY

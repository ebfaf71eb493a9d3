"""URLs, e-mail addresses, domains, handles, hashtags and slashes."""

from __future__ import annotations

from service.document.normalize import normalize


def pairs(text: str) -> list[tuple[str, str]]:
    return [(w, text[a:b]) for w, a, b in normalize(text).words()]


def test_domain_with_path():
    assert normalize("example.com/path").text == "example dot com slash path"


def test_email_address():
    text = "mail jane@example.org."
    assert normalize(text).text == "mail jane at example dot org."
    assert pairs(text)[1:] == [(w, "jane@example.org") for w in ["jane", "at", "example", "dot", "org"]]


def test_url_is_said_without_web_scheme_and_www():
    # A newsreader says "example dot com", not "H.T.T.P.S colon slash slash W.W.W dot ...".
    assert normalize("https://www.example.com").text == "example dot com"
    assert normalize("see http://news.example.org/today").text == "see news dot example dot org slash today"
    assert normalize("https://WWW.Example.com").text == "Example dot com"


def test_other_schemes_are_read():
    assert normalize("ftp://files.example.net").text == "F.T.P colon slash slash files dot example dot net"


def test_url_span_covers_the_scheme():
    text = "at https://www.example.com."
    assert pairs(text)[1:] == [
        ("example", "https://www.example.com"),
        ("dot", "https://www.example.com"),
        ("com", "https://www.example.com"),
    ]


def test_country_code_domains_are_spelled():
    assert normalize("news.co.uk").text == "news dot co dot U.K"


def test_short_unpronounceable_labels_are_spelled():
    assert normalize("bbc.com").text == "B.B.C dot com"


def test_digits_in_addresses_are_read_one_by_one():
    assert normalize("jane123@gmail.com").text == "jane one two three at gmail dot com"


def test_path_separators():
    assert normalize("www.site.com/a-b_c").text == "site dot com slash a dash b underscore c"


def test_file_extension_is_spelled():
    assert normalize("example.com/intro.html").text == "example dot com slash intro dot H.T.M.L"


def test_capitalised_domain():
    assert normalize("Amazon.com").text == "Amazon dot com"


def test_latin_abbreviations_are_not_domains():
    assert normalize("e.g. this").text == "for example this"


def test_slash_between_words():
    assert normalize("upgrade/update").text == "upgrade slash update"
    assert normalize("and/or").text == "and or"


def test_handle_and_hashtag():
    assert normalize("@nvidia").text == "at nvidia"
    assert normalize("#MeToo").text == "hashtag MeToo"


def test_number_sign():
    assert normalize("#1 hit").text == "number one hit"


def test_ip_address():
    assert normalize("123.123.0.40").text == "one two three dot one two three dot zero dot four zero"


def test_symbols_before_the_at_sign():
    assert normalize("x_y&z+1@mail.example.com").text == ("x underscore y and z plus one at mail dot example dot com")
    assert normalize("o'neil-k@firm.org").text == "o neil dash k at firm dot org"


def test_run_together_words_before_the_at_sign_are_split():
    assert normalize("helpdesk@example.com").text == "help desk at example dot com"
    assert normalize("salesteam@example.com").text == "sales team at example dot com"


def test_consonant_chunk_before_the_at_sign_is_spelled():
    assert normalize("hrteam@example.com").text == "H.R team at example dot com"
    assert normalize("jdl@example.com").text == "J.D.L at example dot com"


def test_domain_labels_are_not_split():
    # A host name is a brand, said as one word.
    assert normalize("visit bluewater.com").text == "visit bluewater dot com"


def test_common_words_in_addresses_are_words():
    assert normalize("mary.jones@example.com").text == "mary dot jones at example dot com"


def test_handle_with_symbols_is_read_like_an_address():
    assert normalize("@jane_doe99").text == "at jane underscore doe nine nine"

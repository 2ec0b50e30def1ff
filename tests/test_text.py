"""Text preprocessing."""

from eshoppye.text import clean_description, clean_title, display_text, normalize, strip_html, tokens


def test_html_entities_and_tags_removed():
    raw = "<p>Pompe &agrave; chaleur <b>PISCINE</b>&nbsp;Intex</p><br/>4&nbsp;kW"
    assert strip_html(raw) == "Pompe à chaleur PISCINE Intex 4 kW"


def test_double_escaped_entities():
    assert strip_html("caf&amp;eacute; &amp;amp; th&#39;") == "café & th'"


def test_script_and_style_content_dropped():
    assert strip_html("a<script>alert('x')</script>b<style>p{}</style>c") == "a b c"
    assert "alert" not in normalize("<SCRIPT src=x>alert(1)")


def test_case_accents_and_unicode_folded():
    assert normalize("ÉCRAN Ｐｌａｙｓｔａｔｉｏｎ Straße") == "ecran playstation strasse"


def test_title_and_description_cleaned_apart_and_capped():
    assert clean_title("Jeu <i>PS4</i>") == "jeu ps4"
    assert len(clean_description("mot " * 10_000)) <= 5000


def test_tokens_drop_french_stop_words():
    assert tokens(normalize("Le Journal des Arts N° 133")) == ["journal", "arts", "133"]


def test_display_text_keeps_case_for_encoders():
    assert display_text("Notizbuch A5", "<br>Très <b>joli</b>") == "Notizbuch A5. Très joli"
    assert display_text("Titre", "") == "Titre"


def test_empty_and_hostile_text():
    assert normalize("") == "" and normalize(None) == ""
    assert normalize("<<<>>>") == "<<<>>>"  # no crash; not a tag (a tag starts with <letter, / ! ?)

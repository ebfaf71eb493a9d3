"""Units and measures."""

from __future__ import annotations

import pytest

from service.document.normalize import normalize


def pairs(text: str) -> list[tuple[str, str]]:
    return [(w, text[a:b]) for w, a, b in normalize(text).words()]


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("5 km", "five kilometers"),
        ("3.5kg", "three point five kilograms"),
        ("100 mph", "one hundred miles per hour"),
        ("20°C", "twenty degrees Celsius"),
        ("12KG", "twelve kilograms"),
        ("10 GB", "ten gigabytes"),
    ],
)
def test_units(written, spoken):
    assert normalize(written).text == spoken


def test_singular_unit_after_one():
    assert normalize("1 kg").text == "one kilogram"
    assert normalize("1°C").text == "one degree Celsius"


def test_hyphenated_measure_is_an_adjective():
    assert normalize("a 5-km race").text == "a five kilometer race"


def test_square_and_cubic():
    assert normalize("41 km³").text == "forty one cubic kilometers"
    assert normalize("100 m2").text == "one hundred square meters"


def test_per_unit():
    assert normalize("12kg/kg").text == "twelve kilograms per kilogram"
    assert normalize("3 m/s").text == "three meters per second"


def test_measure_range():
    assert normalize("1234-123kg").text == "one thousand two hundred thirty four to one hundred twenty three kilograms"


def test_scaled_measure():
    assert normalize("100 million kg").text == "one hundred million kilograms"


def test_m_before_a_counted_noun_means_million():
    assert normalize("1.5m people").text == "one point five million people"


def test_negative_temperature():
    assert normalize("-3°C").text == "minus three degrees Celsius"


def test_basis_points():
    assert normalize("25 bps").text == "twenty five basis points"


def test_height_in_feet_and_inches():
    assert normalize("5'10\"").text == "five foot ten"


def test_word_in_is_not_inches():
    assert normalize("1 in 5 people").text == "one in five people"


def test_measure_span_covers_number_and_unit():
    assert pairs("ran 5 km") == [("ran", "ran"), ("five", "5 km"), ("kilometers", "5 km")]


def test_unit_after_a_slash_alone():
    assert normalize("rice at 55/kg on").text == "rice at fifty five per kilogram on"
    assert normalize("30/month").text == "thirty per month"


def test_transfer_rates():
    assert normalize("runs at 5600MT/s.").text == "runs at five thousand six hundred megatransfers per second."
    assert normalize("16 GT/s").text == "sixteen gigatransfers per second"


def test_unit_written_onto_its_number_before_a_noun_is_singular():
    assert normalize("makes 5nm wafers").text == "makes five nanometer wafers"
    assert normalize("a 65W charger").text == "a sixty five watt charger"
    # Not before a preposition or an adjective of size.
    assert normalize("has 8GB of storage").text == "has eight gigabytes of storage"
    assert normalize("is 6ft tall").text == "is six feet tall"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("highs of 72F today", "highs of seventy two degrees Fahrenheit today"),
        ("it reached 41C.", "it reached forty one degrees Celsius."),
        ("lows near -8C", "lows near minus eight degrees Celsius"),
        ("around 18-22C", "around eighteen to twenty two degrees Celsius"),
    ],
)
def test_temperature_written_onto_its_number(written, spoken):
    assert normalize(written).text == spoken


def test_number_and_letter_labels_are_not_temperatures():
    assert normalize("in seat 22C").text == "in seat twenty two C"
    assert normalize("the Lumia 5C").text == "the Lumia five C"


def test_temperature_span():
    assert pairs("at 30C")[1:] == [("thirty", "30C"), ("degrees", "30C"), ("Celsius", "30C")]


def test_measure_after_a_before_a_noun_is_singular():
    assert normalize("a 42 km course").text == "a forty two kilometer course"
    assert normalize("walked 42 km today").text == "walked forty two kilometers today"


def test_feet_and_inches():
    assert normalize("stands 6 ft 3 in tall").text == "stands six feet three inches tall"
    assert normalize("is 6 ft in height").text == "is six feet in height"


def test_feet_and_inches_keep_the_full_stop():
    assert normalize("He is 5 ft 9 in.").text == "He is five feet nine inches."


def test_dotted_in_after_a_number_is_inches():
    assert normalize("Up to 4 in. of snow fell overnight.").text == "Up to four inches of snow fell overnight."


def test_in_without_its_stop_stays_a_preposition():
    assert normalize("The ferry left at 6 in the evening.").text == "The ferry left at six in the evening."


def test_dotted_unit_range():
    assert normalize("Expect 2 to 5 in. of rain.").text == "Expect two to five inches of rain."


def test_dotted_unit_stop_is_not_a_pause_mid_sentence():
    assert normalize("The river rose 2 ft. overnight").text == "The river rose two feet overnight"


def test_dotted_unit_stop_ends_a_sentence_before_a_capital():
    assert normalize("The river rose 2 ft. Crews worked all night.").text == (
        "The river rose two feet. Crews worked all night."
    )


def test_hyphenated_dotted_unit_describes_the_capitalised_noun_after_it():
    assert normalize("She bought a 65-in. Samsung set.").text == "She bought a sixty five inch Samsung set."


def test_dotted_feet_and_inches():
    assert normalize("He stands 6 ft. 2 in. tall.").text == "He stands six feet two inches tall."


def test_dotted_unit_aligns_to_the_number_and_its_abbreviation():
    assert pairs("4 in. of snow")[:2] == [("four", "4 in."), ("inches", "4 in.")]


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("The 1,900 kg craft landed.", "The one thousand nine hundred kilogram craft landed."),
        ("His 6 ft frame filled the door.", "His six foot frame filled the door."),
        ("Each 500 ml bottle costs more.", "Each five hundred milliliter bottle costs more."),
        ("Nasa's 1,900 kg craft", "Nasa's one thousand nine hundred kilogram craft"),
        ("They carried two 5 kg bags.", "They carried two five kilogram bags."),
        ("She won a new 5 km race.", "She won a new five kilometer race."),
        ("The agency ordered 12 new 40 ft boats.", "The agency ordered twelve new forty foot boats."),
        ("The 90 km/h gusts toppled trees.", "The ninety kilometer per hour gusts toppled trees."),
    ],
)
def test_measure_after_a_determiner_before_a_noun_describes_it(written, spoken):
    assert normalize(written).text == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It weighs 1,900 kg.", "It weighs one thousand nine hundred kilograms."),
        ("The rover drove 5 km yesterday.", "The rover drove five kilometers yesterday."),
        ("The town sits 40 km north of the capital.", "The town sits forty kilometers north of the capital."),
        ("She finished second in the 200 m.", "She finished second in the two hundred meters."),
        ("Police found the 2 kg seized in May.", "Police found the two kilograms seized in May."),
        ("The lake is 12 m deep.", "The lake is twelve meters deep."),
        ("the 5 km which remain", "the five kilometers which remain"),
        ("Runners face the last 2 km remaining.", "Runners face the last two kilometers remaining."),
        ("Every 10 km there is a station.", "Every ten kilometers there is a station."),
        ("The rover covered the 5 km easily.", "The rover covered the five kilometers easily."),
    ],
)
def test_measure_as_a_quantity_keeps_the_plural_unit(written, spoken):
    assert normalize(written).text == spoken


def test_measure_before_a_hyphenated_word_describes_it():
    assert normalize("They bored a 5 km-long tunnel.").text == "They bored a five kilometer-long tunnel."


def test_measure_before_a_dimension_and_a_noun_describes_the_noun():
    assert normalize("Workers dug a 12 m deep trench.").text == "Workers dug a twelve meter deep trench."


def test_measure_before_a_plural_noun_describes_it():
    assert normalize("The storm brought 50 mph winds.").text == "The storm brought fifty mile per hour winds."
    assert normalize("Crews cleared 4 ft drifts.").text == "Crews cleared four foot drifts."


def test_describing_measure_aligns_to_the_number_and_its_unit():
    assert pairs("the 1,900 kg craft") == [
        ("the", "the"),
        ("one", "1,900 kg"),
        ("thousand", "1,900 kg"),
        ("nine", "1,900 kg"),
        ("hundred", "1,900 kg"),
        ("kilogram", "1,900 kg"),
        ("craft", "craft"),
    ]
    assert pairs("a 5 km-long tunnel")[1:] == [
        ("five", "5 km"),
        ("kilometer-long", "5 km-long"),
        ("tunnel", "tunnel"),
    ]


def test_feet_and_inches_describing_a_noun_drop_the_inches_word():
    assert normalize("the 6 ft 2 in. forward").text == "the six foot two forward"
    assert normalize("He stands 6 ft 2 in tall.").text == "He stands six feet two inches tall."


def test_temperature_and_angle_describing_a_noun_take_a_singular_degree():
    assert normalize("It was the city's first 40C day.").text == "It was the city's first forty degree Celsius day."
    assert normalize("a 40°C day").text == "a forty degree Celsius day"
    assert normalize("The car made a 90° turn.").text == "The car made a ninety degree turn."
    assert normalize("Temperatures hit 40°C today.").text == "Temperatures hit forty degrees Celsius today."


def test_measure_before_a_comparative_is_a_quantity():
    assert normalize("It was 3°C warmer than usual.").text == "It was three degrees Celsius warmer than usual."
    assert normalize("The new bar is 5cm longer.").text == "The new bar is five centimeters longer."

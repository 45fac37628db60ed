from regionrapport.numbers import MINUS, NBSP, fmt_amount, fmt_number, fmt_percent


def test_negative_thousands_use_minus_sign_and_nbsp():
    assert fmt_amount(-1956) == f"{MINUS}1{NBSP}956"
    assert fmt_amount(-8334) == f"{MINUS}8{NBSP}334"


def test_positive_and_zero():
    assert fmt_amount(143) == "143"
    assert fmt_amount(0) == "0"
    assert fmt_amount(-0.2) == "0"  # rounds to zero: never "−0"
    assert fmt_amount(1234567) == f"1{NBSP}234{NBSP}567"


def test_rounding_is_half_away_from_zero():
    assert fmt_amount(0.5) == "1"
    assert fmt_amount(-0.5) == f"{MINUS}1"
    assert fmt_amount(2.5) == "3"  # not banker's rounding
    assert fmt_number(2.45, 1) == "2,5"  # as typed, not as the binary float 2.4499…
    assert fmt_number(-1352.5, 0) == f"{MINUS}1{NBSP}353"


def test_decimals_use_comma():
    assert fmt_number(87.6, 1) == "87,6"
    assert fmt_number(-4.5, 1) == f"{MINUS}4,5"


def test_percent():
    assert fmt_percent(87.6) == f"87,6{NBSP}%"
    assert fmt_percent(-23.9) == f"{MINUS}23,9{NBSP}%"
    assert fmt_percent(4.0, 0) == f"4{NBSP}%"


def test_missing_value_is_a_dash():
    assert fmt_amount(None) == "–"

"""French number formatting (eshoppye.fmt): decimal comma, narrow spaces, n/a."""

from eshoppye import fmt

N = "\u202f"


def test_percent_and_scores_are_french():
    assert fmt.pct(0.429) == f"42,9{N}%"
    assert fmt.pct(0.92, 0) == f"92{N}%"
    assert fmt.score(0.92) == "0,920"
    assert fmt.integer(84916) == f"84{N}916"
    assert fmt.num(1234.5, 1) == f"1{N}234,5"


def test_missing_values_are_na_never_zero():
    assert fmt.pct(None) == "n/a"
    assert fmt.score(float("nan")) == "n/a"
    assert fmt.megabytes(None) == "n/a"


def test_small_sizes_and_durations_never_print_zero():
    assert fmt.megabytes(0.004) == f"4,0{N}ko"
    assert fmt.megabytes(0.0421) == f"42{N}ko"
    assert fmt.megabytes(16.8) == f"16,8{N}Mo"
    assert fmt.seconds(0.0123) == f"12{N}ms"
    assert fmt.seconds(3.46) == f"3,5{N}s"
    assert fmt.seconds(125) == f"2{N}min 5{N}s"

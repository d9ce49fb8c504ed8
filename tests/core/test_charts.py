"""Accessible SVG charts (lotse.core.lib.charts).

Every chart is parsed with ElementTree, so each test also checks that the output is
well-formed XML.
"""

import math
import xml.etree.ElementTree as ET

import pytest

from lotse.core.lib.charts import (
    MUTED_COLOUR,
    SERIES_STYLES,
    TEXT_COLOUR,
    ChartError,
    bar_chart,
    contrast_ratio,
    format_number,
    grouped_bar_chart,
    line_chart,
)

NS = "{http://www.w3.org/2000/svg}"
NASTY = "<script>alert(1)</script>"
QUARTERS = ["2023 Q1", "2023 Q2", "2023 Q3", "2023 Q4", "2024 Q1", "2024 Q2"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it


def having(root: ET.Element, cls: str, tag: str | None = None) -> list[ET.Element]:
    return [
        el
        for el in root.iter(None if tag is None else NS + tag)
        if cls in el.get("class", "").split()
    ]


def bars(root: ET.Element) -> list[ET.Element]:
    return having(root, "bar", "rect")


def title_of(el: ET.Element) -> str:
    title = el.find(NS + "title")
    assert title is not None
    return title.text or ""


def text_of(el: ET.Element) -> str:
    return "".join(el.itertext())


def desc(root: ET.Element) -> str:
    element = root.find(NS + "desc")
    assert element is not None
    return element.text or ""


def plot_width(root: ET.Element) -> float:
    (area,) = having(root, "plot-area", "rect")
    return float(area.get("width", "nan"))


def all_charts() -> dict[str, str]:
    return {
        "bar": bar_chart("Nationality", ["Syria", NASTY, "A & B"], [42, None, 3], id_prefix="a"),
        "grouped": grouped_bar_chart(
            "Age × sex", ["0–17", "18–26"], [("female", [1, None]), ("male", [2, 3])]
        ),
        "line": line_chart("Plans", QUARTERS[:3], [("Plan", [40.0, None, 50.0])], y_max=100),
        "empty": bar_chart("Closures", [], []),
    }


SAMPLE = bar_chart("Clients by nationality", ["Syria", "Iraq", "Eritrea"], [42, 17, 3], unit="")


# --- accessibility of the root ---------------------------------------------------------


def test_root_is_an_image_labelled_by_its_title_and_description():
    root = parse(bar_chart("Clients", ["Syria", "Iraq"], [42, 17], id_prefix="nat"))
    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "nat-title nat-desc"
    assert root.get("viewBox") == f"0 0 640 {root.get('height')}"
    assert "chart" in root.get("class", "").split()
    first, second = list(root)[:2]
    assert (first.tag, first.get("id"), first.text) == (NS + "title", "nat-title", "Clients")
    assert (second.tag, second.get("id")) == (NS + "desc", "nat-desc")


def test_each_labelledby_id_exists_in_every_kind_of_chart():
    for svg in all_charts().values():
        root = parse(svg)
        ids = {el.get("id") for el in root.iter() if el.get("id")}
        assert set(root.get("aria-labelledby", "").split()) <= ids


def test_description_summarises_count_and_largest_value():
    assert desc(parse(SAMPLE)) == "3 values; largest: Syria 42"
    root = parse(bar_chart("T", ["Syria", "Iraq", "Iran"], [4.5, None, 4.5], unit="%"))
    assert desc(root) == "3 values, 1 suppressed; largest: Syria, Iran 4.5 %"


def test_a_given_description_replaces_the_summary_but_a_blank_one_does_not():
    root = parse(bar_chart("T", ["a"], [1], description="Meist aus Syrien <42>"))
    assert desc(root) == "Meist aus Syrien <42>"
    assert desc(parse(bar_chart("T", ["a"], [1], description="  "))) == "1 value; largest: a 1"


def test_the_title_is_required_because_it_is_the_accessible_name():
    with pytest.raises(ChartError):
        bar_chart("  ", ["a"], [1])


# --- escaping and the Content Security Policy ------------------------------------------


def test_texts_are_escaped_and_come_back_unchanged():
    labels = [NASTY, "A & B", "\"quoted\" and 'single'"]
    svg = bar_chart(NASTY, labels, [3, 2, 1], unit="<&>", id_prefix="x")
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.find(NS + "title").text == NASTY
    assert [text_of(el) for el in having(root, "label", "text")] == labels
    expected = [f"{label}: {n} <&>" for label, n in zip(labels, [3, 2, 1], strict=True)]
    assert [title_of(bar) for bar in bars(root)] == expected
    assert [text_of(el) for el in having(root, "value", "text")] == ["3 <&>", "2 <&>", "1 <&>"]


def test_escaping_in_series_names_and_x_labels():
    grouped = parse(grouped_bar_chart("T", ["A & B"], [(NASTY, [1]), ('"x"', [2])]))
    assert {text_of(el) for el in having(grouped, "legend-item")} == {NASTY, '"x"'}
    assert title_of(bars(grouped)[0]) == f"A & B, {NASTY}: 1"
    line = parse(line_chart("T", [NASTY, "A & B"], [("s & t", [1, 2])]))
    assert [text_of(el) for el in having(line, "label", "text")] == [NASTY, "A & B"]
    assert title_of(having(line, "point")[1]) == "s & t, A & B: 2"


def test_characters_xml_does_not_allow_are_replaced_so_it_still_parses():
    root = parse(bar_chart("Bell\x07", ["nul\x00 tab\t vt\x0b", "\ud800"], [1, 2]))
    assert root.find(NS + "title").text == "Bell\ufffd"
    assert "\ufffd" in text_of(having(root, "label", "text")[0])


@pytest.mark.parametrize("kind", ["bar", "grouped", "line", "empty"])
def test_no_style_script_or_event_handler_anywhere(kind):
    svg = all_charts()[kind]
    root = parse(svg)
    for el in root.iter():
        assert el.tag not in {NS + "style", NS + "script", "style", "script"}
        assert "style" not in el.attrib
        assert not [name for name in el.attrib if name.lower().startswith("on")]
    assert "style" not in svg.replace("font-style", "")
    assert "<script" not in svg


def test_css_classes_for_the_site_stylesheet():
    root = parse(bar_chart("T", ["a", "b"], [1, None]))
    assert root.get("class") == "chart bar-chart"
    for cls in ("bar", "axis", "label", "value", "suppressed", "baseline", "row"):
        assert having(root, cls), cls
    assert parse(all_charts()["grouped"]).get("class") == "chart grouped-bar-chart"
    assert parse(all_charts()["line"]).get("class") == "chart line-chart"


# --- ids -----------------------------------------------------------------------------


def test_ids_are_unique_and_start_with_the_prefix():
    svg = grouped_bar_chart(
        "T", ["a", "b"], [(name, [1, 2]) for name in ("f", "m", "d", "u")], id_prefix="age"
    )
    ids = [el.get("id") for el in parse(svg).iter() if el.get("id")]
    assert len(ids) == len(set(ids)) == 2 + 3  # title, desc, a pattern for series 1 to 3
    assert all(i.startswith("age-") for i in ids)


def test_pattern_references_point_to_patterns_of_the_same_chart():
    root = parse(grouped_bar_chart("T", ["a"], [("f", [1]), ("m", [2])], id_prefix="g1"))
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    fills = [el.get("fill", "") for el in root.iter() if el.get("fill", "").startswith("url(")]
    assert fills
    assert {fill[5:-1] for fill in fills} <= ids


def test_two_charts_with_different_prefixes_share_no_ids():
    def ids(svg: str) -> set[str]:
        return {el.get("id", "") for el in parse(svg).iter() if el.get("id")}

    first = grouped_bar_chart("T", ["a"], [("f", [1]), ("m", [2])], id_prefix="one")
    second = grouped_bar_chart("T", ["a"], [("f", [1]), ("m", [2])], id_prefix="two")
    assert not ids(first) & ids(second)


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("age-band_2", "age-band_2"),
        ('x"><script>', "x---script-"),
        ("Ärzte 1", "-rzte-1"),
        ("2024", "chart-2024"),
        ("", "chart"),
    ],
)
def test_the_prefix_is_sanitised(given, used):
    root = parse(bar_chart("T", ["a"], [1], id_prefix=given))
    expected = used if used[0].isalpha() else f"chart-{used}"
    assert root.get("aria-labelledby") == f"{expected}-title {expected}-desc"
    assert root.find(NS + "title").get("id") == f"{expected}-title"


# --- bars ----------------------------------------------------------------------------


def test_one_bar_per_known_value_with_a_title_for_tooltips():
    root = parse(
        bar_chart("T", ["Syria", "Iraq", "Iran", "Eritrea"], [42, None, 0, 3], unit="persons")
    )
    assert [title_of(bar) for bar in bars(root)] == [
        "Syria: 42 persons",
        "Iran: 0 persons",
        "Eritrea: 3 persons",
    ]
    assert len(having(root, "row", "g")) == 4


def test_suppressed_values_have_no_bar_and_show_the_given_text():
    root = parse(bar_chart("T", ["a", "b", "c"], [5, None, None], suppressed_label="suppressed"))
    assert len(bars(root)) == 1
    rows = having(root, "row", "g")
    for row in rows[1:]:
        assert not bars(row)
        (text,) = having(row, "suppressed", "text")
        assert text.text == "suppressed"
        assert "value" in text.get("class", "").split()
        assert text.get("fill") == MUTED_COLOUR
    assert not having(rows[0], "suppressed")
    assert "5" not in "".join(text_of(row) for row in rows[1:])  # nothing guessed


def test_the_largest_value_fills_the_plot_width_and_the_rest_are_proportional():
    root = parse(SAMPLE)
    width = plot_width(root)
    assert 0 < width < 640
    lengths = [float(bar.get("width", "nan")) for bar in bars(root)]
    assert lengths[0] == width
    assert lengths[1] == pytest.approx(width * 17 / 42, abs=0.01)
    assert lengths[2] == pytest.approx(width * 3 / 42, abs=0.01)
    assert {bar.get("x") for bar in bars(root)} == {having(root, "plot-area")[0].get("x")}


def test_the_value_text_stands_at_the_end_of_its_bar():
    root = parse(SAMPLE)
    for bar, value in zip(bars(root), having(root, "value", "text"), strict=True):
        end = float(bar.get("x", "nan")) + float(bar.get("width", "nan"))
        assert float(value.get("x", "nan")) == pytest.approx(end + 4, abs=0.01)


def test_the_zero_baseline_is_at_the_start_of_the_bars():
    root = parse(SAMPLE)
    lines = having(root, "baseline", "line")
    assert len(lines) == 3
    assert {line.get("x1") for line in lines} == {line.get("x2") for line in lines} == {"8"}
    assert all(line in list(having(root, "axis", "g")[0]) for line in lines)


@pytest.mark.parametrize("values", [[0, 0, 0], [None, None, None], [0, None, 0.0]])
def test_all_zero_or_all_suppressed_does_not_divide_by_zero(values):
    root = parse(bar_chart("T", ["a", "b", "c"], values))
    assert all(bar.get("width") == "0" for bar in bars(root))
    assert len(bars(root)) == sum(v is not None for v in values)


def test_descriptions_for_all_zero_and_all_suppressed():
    assert desc(parse(bar_chart("T", ["a", "b"], [0, 0]))) == "2 values; all 0"
    assert desc(parse(bar_chart("T", ["a", "b"], [None, None]))) == "2 values, all suppressed"


def test_the_height_grows_with_the_number_of_labels():
    heights = [
        int(parse(bar_chart("T", [f"l{i}" for i in range(n)], list(range(n)))).get("height", 0))
        for n in (1, 2, 10)
    ]
    assert heights[0] < heights[1] < heights[2]
    assert heights[2] - heights[1] == 8 * (heights[1] - heights[0])  # the same per row


def test_long_labels_are_wrapped_onto_more_lines_and_kept_whole_in_the_title():
    label = "Closed because the client moved to another district " * 4
    root = parse(bar_chart("T", [label.strip(), "short"], [1, 2], width=320))
    text = having(root, "label", "text")[0]
    spans = text.findall(NS + "tspan")
    assert len(spans) > 2
    assert " ".join(span.text or "" for span in spans) == label.strip()
    assert all(len(span.text or "") * 12 * 0.6 <= 320 - 16 for span in spans)
    assert title_of(bars(root)[0]) == f"{label.strip()}: 1"
    taller = parse(bar_chart("T", ["x", "short"], [1, 2], width=320))
    assert int(root.get("height", 0)) > int(taller.get("height", 0))


def test_same_input_gives_the_identical_string():
    def make() -> str:
        return grouped_bar_chart("T", ["a", "b"], [("f", [1, None]), ("m", [2.5, 3])])

    assert make() == make()
    assert bar_chart("T", ["a"], [1]) == bar_chart("T", ["a"], [1])
    assert line_chart("T", QUARTERS, [("p", [1, None, 3, 4, 5, 6])]) == line_chart(
        "T", QUARTERS, [("p", [1, None, 3, 4, 5, 6])]
    )


def test_the_width_sets_the_view_box():
    root = parse(bar_chart("T", ["a"], [1], width=300))
    assert root.get("width") == "300"
    assert root.get("viewBox", "").startswith("0 0 300 ")
    assert plot_width(root) < 300


# --- numbers -------------------------------------------------------------------------


def test_default_number_format():
    assert format_number(1234) == "1234"
    assert format_number(12.25) == "12.2"  # round half to even in the float
    assert format_number(42.0) == "42.0"
    assert format_number(0.05) == "0.1"


def german(value: float) -> str:
    text = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def test_a_caller_supplied_number_format_is_used_everywhere():
    root = parse(bar_chart("T", ["a", "b"], [1234.5, 1234567], unit="€", number_format=german))
    assert [text_of(el) for el in having(root, "value")] == ["1.234,5 €", "1.234.567 €"]
    assert title_of(bars(root)[0]) == "a: 1.234,5 €"
    assert desc(root) == "2 values; largest: b 1.234.567 €"
    line = parse(line_chart("T", ["Q1"], [("p", [12.5])], unit="%", number_format=german))
    assert title_of(having(line, "point")[0]) == "p, Q1: 12,5 %"


def test_minus_zero_is_shown_as_zero():
    root = parse(bar_chart("T", ["a"], [-0.0]))
    assert text_of(having(root, "value")[0]) == "0.0"


# --- validation and empty input --------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "values"),
    [
        (["a", "b"], [1]),
        (["a"], [1, 2]),
        (["a"], [-1]),
        (["a"], [-0.5]),
        (["a"], [math.nan]),
        (["a"], [math.inf]),
        (["a"], [True]),
        (["a"], ["3"]),
        ("ab", [1, 2]),
        (["a"], "1"),
    ],
)
def test_bad_values_raise_chart_error(labels, values):
    with pytest.raises(ChartError):
        bar_chart("T", labels, values)


def test_chart_error_is_a_value_error_and_names_the_place():
    with pytest.raises(ValueError, match="negative"):
        grouped_bar_chart("T", ["a"], [("f", [-3])])
    with pytest.raises(ChartError, match="2 labels but 1"):
        grouped_bar_chart("T", ["a", "b"], [("f", [1, 2]), ("m", [1])])


def test_a_too_narrow_width_raises():
    with pytest.raises(ChartError):
        bar_chart("T", ["a"], [1], width=100)


def test_empty_input_gives_a_chart_that_says_no_data():
    for svg in (
        bar_chart("Closures", [], [], no_data_label="Keine Daten", id_prefix="c"),
        grouped_bar_chart("Closures", [], [], no_data_label="Keine Daten", id_prefix="c"),
        grouped_bar_chart("Closures", ["a"], [], no_data_label="Keine Daten", id_prefix="c"),
        line_chart("Closures", [], [("p", [])], no_data_label="Keine Daten", id_prefix="c"),
        line_chart("Closures", QUARTERS, [], no_data_label="Keine Daten", id_prefix="c"),
    ):
        root = parse(svg)
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == "c-title c-desc"
        assert [el.text for el in having(root, "no-data", "text")] == ["Keine Daten"]
        assert desc(root) == "Keine Daten"
        assert not bars(root)
        assert not having(root, "point")
    assert desc(parse(bar_chart("T", [], [], description="Nothing closed."))) == "Nothing closed."


def test_empty_input_is_still_checked_for_matching_lengths():
    with pytest.raises(ChartError):
        bar_chart("T", [], [1])
    with pytest.raises(ChartError):
        grouped_bar_chart("T", [], [("f", [1])])


def test_lazy_texts_are_turned_into_strings():
    class Lazy:
        def __init__(self, text: str) -> None:
            self.text = text

        def __str__(self) -> str:
            return self.text

    root = parse(bar_chart(Lazy("Titel"), [Lazy("Syrien")], [1], unit=Lazy("Pers.")))  # type: ignore[arg-type,list-item]
    assert root.find(NS + "title").text == "Titel"
    assert title_of(bars(root)[0]) == "Syrien: 1 Pers."


# --- grouped bars ----------------------------------------------------------------------

AGE = grouped_bar_chart(
    "Age band × sex",
    ["0–17", "18–26", "27–44"],
    [("female", [12, 30, None]), ("male", [10, 41, 22]), ("diverse", [None, 1, 0])],
    suppressed_label="suppressed",
    id_prefix="age",
)


def test_grouped_bars_one_per_known_value_in_label_order():
    root = parse(AGE)
    assert [title_of(bar) for bar in bars(root)] == [
        "0–17, female: 12",
        "0–17, male: 10",
        "18–26, female: 30",
        "18–26, male: 41",
        "18–26, diverse: 1",
        "27–44, male: 22",
        "27–44, diverse: 0",
    ]
    assert [el.text for el in having(root, "suppressed")] == ["suppressed", "suppressed"]
    assert float(bars(root)[3].get("width", "nan")) == plot_width(root)  # 41 is the largest


def test_series_differ_in_colour_and_in_pattern_and_have_a_text_legend():
    root = parse(AGE)
    by_series = {}
    for bar in bars(root):
        series = next(c for c in bar.get("class", "").split() if c.startswith("series-"))
        by_series.setdefault(series, set()).add((bar.get("fill"), bar.get("stroke")))
    assert all(len(fills) == 1 for fills in by_series.values())
    fills = [next(iter(f))[0] for _, f in sorted(by_series.items())]
    assert fills == ["#1f4e79", "url(#age-pattern-1)", "url(#age-pattern-2)"]
    patterns = list(root.iter(NS + "pattern"))
    assert [p.get("id") for p in patterns] == ["age-pattern-1", "age-pattern-2"]
    marks = [tuple(child.tag for child in pattern)[1:] for pattern in patterns]
    assert marks[0] != marks[1]  # stripes, dots: different without colour
    legend = having(root, "legend", "g")[0]
    assert [text_of(item) for item in having(legend, "legend-item")] == [
        "female",
        "male",
        "diverse",
    ]
    assert desc(root) == (
        "3 groups × 3 series (female, male, diverse), 2 suppressed; largest: 18–26, male 41"
    )


def test_grouped_series_rules():
    with pytest.raises(ChartError, match="twice"):
        grouped_bar_chart("T", ["a"], [("f", [1]), ("f", [2])])
    with pytest.raises(ChartError, match="name"):
        grouped_bar_chart("T", ["a"], [(" ", [1])])
    with pytest.raises(ChartError, match="split"):
        grouped_bar_chart("T", ["a"], [(str(i), [i]) for i in range(7)])
    six = parse(grouped_bar_chart("T", ["a"], [(str(i), [i]) for i in range(6)]))
    assert len(bars(six)) == 6
    assert len(list(six.iter(NS + "pattern"))) == 5


def test_a_long_legend_wraps_onto_more_rows():
    names = [f"series with a long name {i}" for i in range(4)]
    root = parse(grouped_bar_chart("T", ["a"], [(n, [1]) for n in names], width=320))
    rows = {item.find(NS + "rect").get("y") for item in having(root, "legend-item")}
    assert len(rows) == 4


# --- line charts -----------------------------------------------------------------------

PLANS = line_chart(
    "Share of cases with a plan",
    QUARTERS,
    [("Plan", [40.0, 45.5, None, 60.0, 62.5, 70.0]), ("Goal", [10.0, None, 20.0, None, 25, 30])],
    unit="%",
    y_max=100,
    id_prefix="q",
)


def series_group(root: ET.Element, index: int) -> ET.Element:
    (group,) = [g for g in having(root, "series", "g") if f"series-{index}" in g.get("class", "")]
    return group


def test_line_chart_has_gaps_where_a_value_is_none():
    root = parse(PLANS)
    plan = series_group(root, 0)
    paths = [p.get("d", "") for p in having(plan, "line", "path")]
    assert len(paths) == 2  # Q1–Q2, then Q4–2024 Q2
    assert [d.count("M") for d in paths] == [1, 1]
    assert [d.count("L") for d in paths] == [1, 2]
    xs = [float(p.get("cx", "nan")) for p in having(plan, "point")]
    assert len(xs) == 5
    gap_x = (xs[1] + xs[2]) / 2  # the point of 2023 Q3 is missing
    for d in paths:
        numbers = [float(n) for n in d.replace("M", "").replace("L", "").split()]
        assert gap_x not in numbers[::2]
    assert not any("2023 Q3" in title_of(p) for p in having(plan, "point"))


def test_an_isolated_value_between_gaps_is_a_point_without_a_line():
    goal = series_group(parse(PLANS), 1)
    assert [p.get("d", "").count("L") for p in having(goal, "line", "path")] == [1]
    assert len(list(goal)) == 1 + 4  # one path (2024 Q1–Q2), points at Q1, Q3, 2024 Q1, Q2
    assert [title_of(p) for p in goal if p.tag != NS + "path"] == [
        "Goal, 2023 Q1: 10.0 %",
        "Goal, 2023 Q3: 20.0 %",
        "Goal, 2024 Q1: 25 %",
        "Goal, 2024 Q2: 30 %",
    ]


def test_every_point_has_a_title_with_series_x_label_and_value():
    plan = series_group(parse(PLANS), 0)
    assert [title_of(p) for p in having(plan, "point")] == [
        "Plan, 2023 Q1: 40.0 %",
        "Plan, 2023 Q2: 45.5 %",
        "Plan, 2023 Q4: 60.0 %",
        "Plan, 2024 Q1: 62.5 %",
        "Plan, 2024 Q2: 70.0 %",
    ]


def test_the_y_scale_runs_from_0_to_y_max():
    root = parse(PLANS)
    assert [el.text for el in having(root, "tick", "text")] == [
        "0 %",
        "20 %",
        "40 %",
        "60 %",
        "80 %",
        "100 %",
    ]
    (area,) = having(root, "plot-area")
    top, height = float(area.get("y", "nan")), float(area.get("height", "nan"))
    full = parse(line_chart("T", ["a", "b"], [("s", [0, 100])], y_max=100))
    ys = [float(p.get("cy", "nan")) for p in having(full, "point")]
    (area,) = having(full, "plot-area")
    assert ys == [float(area.get("y", "nan")) + height, float(area.get("y", "nan"))]
    assert top > 0


def test_without_y_max_the_scale_ends_at_a_round_step_above_the_largest_value():
    root = parse(line_chart("T", ["a", "b"], [("s", [3, 42])]))
    assert [el.text for el in having(root, "tick")] == ["0", "10", "20", "30", "40", "50"]
    small = parse(line_chart("T", ["a", "b"], [("s", [0.3, 0.7])]))
    assert [el.text for el in having(small, "tick")] == [
        "0",
        "0.2",
        "0.4",
        "0.6",
        "0.8",
    ]


def test_all_zero_or_all_missing_lines_do_not_divide_by_zero():
    for values in ([0, 0], [None, None]):
        root = parse(line_chart("T", ["a", "b"], [("s", values)]))
        assert [el.text for el in having(root, "tick")] == ["0", "1"]
        assert len(having(root, "point")) == sum(v is not None for v in values)
    assert "s: no values" in desc(parse(line_chart("T", ["a"], [("s", [None])])))


def test_y_max_rules():
    with pytest.raises(ChartError, match="above y_max"):
        line_chart("T", ["a"], [("s", [100.5])], y_max=100)
    for bad in (0, -1, math.nan, math.inf):
        with pytest.raises(ChartError):
            line_chart("T", ["a"], [("s", [1])], y_max=bad)
    with pytest.raises(ChartError):
        line_chart("T", ["a"], [("s", [-1])])


def test_lines_differ_in_dash_and_point_shape_as_well_as_colour():
    root = parse(
        line_chart("T", ["a", "b"], [(str(i), [i, i + 1]) for i in range(len(SERIES_STYLES))])
    )
    groups = [series_group(root, i) for i in range(len(SERIES_STYLES))]
    dashes = [having(group, "line")[0].get("stroke-dasharray") for group in groups]
    shapes = [having(group, "point")[0] for group in groups]
    assert len(set(dashes)) == len(SERIES_STYLES)
    assert len({s.marker for s in SERIES_STYLES}) == len(SERIES_STYLES)
    assert [el.tag[len(NS) :] for el in shapes] == ["circle", "rect"] + ["polygon"] * 4
    polygons = [el.get("points", "").count(" ") + 1 for el in shapes[2:]]
    assert polygons == [3, 4, 3, 12]  # triangle, diamond, triangle down, plus
    legend = having(root, "legend", "g")[0]
    assert [text_of(item) for item in having(legend, "legend-item")] == [
        str(i) for i in range(len(SERIES_STYLES))
    ]
    assert not having(legend, "point")  # legend markers are not data points


def test_line_description():
    assert desc(parse(PLANS)) == (
        "2 series over 6 points (2023 Q1 to 2024 Q2); "
        "Plan: from 40.0 % (2023 Q1) to 70.0 % (2024 Q2), highest 70.0 % (2024 Q2); "
        "Goal: from 10.0 % (2023 Q1) to 30 % (2024 Q2), highest 30 % (2024 Q2); "
        "3 points without a value (gaps)"
    )


def test_long_x_labels_are_turned():
    labels = [f"Quarter {i} of the year 2024" for i in range(8)]
    root = parse(line_chart("T", labels, [("s", list(range(8)))]))
    turned = having(root, "label", "text")
    assert all(el.get("transform", "").startswith("rotate(-45 ") for el in turned)
    assert not any(el.get("transform") for el in having(parse(PLANS), "label", "text"))


# --- colours ---------------------------------------------------------------------------


def test_palette_contrast_against_white_is_at_least_3_to_1():
    assert [s.colour for s in SERIES_STYLES][:4] == ["#1f4e79", "#b35c00", "#2e7d32", "#6a1b9a"]
    for style in SERIES_STYLES:
        assert style.contrast >= 3, style
    assert contrast_ratio(TEXT_COLOUR) >= 4.5
    assert contrast_ratio(MUTED_COLOUR) >= 4.5  # it is used for text too
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#b35c00") == pytest.approx(4.72, abs=0.01)
    assert len({s.colour for s in SERIES_STYLES}) == len({s.pattern for s in SERIES_STYLES})


def test_contrast_ratio_rejects_what_is_not_a_hex_colour():
    with pytest.raises(ChartError):
        contrast_ratio("blue")

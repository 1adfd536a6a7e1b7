"""The focus ring is at least 3:1 against what it sits on (WCAG 1.4.11; issue 13, item 5)."""

import re
from pathlib import Path

CSS = (Path(__file__).resolve().parent.parent / "static" / "psop.css").read_text()


def variable(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS).group(1)


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_focus_ring_uses_the_focus_colour():
    assert re.search(r":focus-visible\s*\{\s*outline:\s*3px solid var\(--focus\)", CSS)
    assert re.search(r"\.site-header :focus-visible\s*\{\s*outline-color:\s*var\(--focus-on-brand\)", CSS)


def test_focus_ring_contrast_on_white_and_on_the_page_background():
    assert contrast(variable("focus"), "#ffffff") >= 3
    assert contrast(variable("focus"), variable("bg")) >= 3
    assert contrast(variable("focus"), variable("card")) >= 3


def test_focus_ring_contrast_in_the_blue_header():
    assert contrast(variable("focus-on-brand"), variable("brand")) >= 3


def test_the_old_ring_would_have_failed():
    assert contrast("#f2a900", "#ffffff") < 3

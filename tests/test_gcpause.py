"""The collector pause used around the model, the search index and the export."""

from __future__ import annotations

import gc

import pytest

from scholarsite.gcpause import collector_paused


def test_the_collector_is_off_inside_and_restored_after_even_on_errors() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError("inside")
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()

from jsv.polling import poll_until


def test_returns_the_first_value_that_meets_the_condition():
    values = iter([1, 2, 3, 4])
    polled = poll_until(lambda: next(values), lambda value: value >= 3, timeout=5, interval=0)
    assert (polled.value, polled.met) == (3, True)


def test_gives_up_after_the_timeout_with_the_last_value():
    calls = []
    polled = poll_until(
        lambda: calls.append(1) or len(calls), lambda value: False, timeout=0.05, interval=0.01
    )
    assert not polled.met
    assert polled.value == len(calls) >= 2
    assert polled.seconds <= 0.05


def test_exceptions_from_the_probe_propagate():
    def probe():
        raise RuntimeError("container exited")

    try:
        poll_until(probe, bool, timeout=1)
    except RuntimeError as error:
        assert "exited" in str(error)
    else:
        raise AssertionError("the probe's exception was swallowed")

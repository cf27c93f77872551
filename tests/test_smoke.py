import stages_tui


def test_package_has_a_version():
    assert stages_tui.__version__.count(".") == 2

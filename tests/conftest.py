"""Shared pytest options."""


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the expected-output files (tests/fixtures/bad/*.expected) from the current output; review the diff.",
    )

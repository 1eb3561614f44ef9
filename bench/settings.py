"""Settings of the benchmark's server: Onestop's, plus the hand-written baselines' URLs."""

from onestop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

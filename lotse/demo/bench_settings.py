"""The settings of the application server that `manage.py bench_scale` starts: Lotse's
own, without debugging, plus the bare view it compares the client file with."""

from lotse.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "lotse.demo.bench_urls"

# The two set-up commands of the README:
#   make app    installs everything and starts the Streamlit demonstrator
#   make test   installs everything (Debian chromium and postgresql included, for the browser and
#               database tests) and runs the tests
PYTHON ?= python3
PIP = $(PYTHON) -m pip install --disable-pip-version-check -q

.PHONY: install install-test app test bench

install:
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .

install-test: install
	$(PIP) -r requirements-test.txt
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium absent: sudo apt-get install chromium (le test navigateur sera ignoré)"; fi; }
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; \
	  else echo "postgresql absent: sudo apt-get install postgresql (les tests PostgreSQL seront ignorés)"; fi; }

app: install
	$(PYTHON) -m streamlit run app.py

test: install-test
	$(PYTHON) -m pytest -q

bench: install
	$(PYTHON) bench/bench_text.py

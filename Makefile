# The two set-up commands of the README (each creates and uses the virtual environment .venv itself):
#   make app    installs everything into .venv and starts the Streamlit demonstrator
#   make test   installs everything (Debian chromium and postgresql included, for the browser and
#               database tests) and runs the tests
# The environment sees the packages already installed for this Python (--system-site-packages), so
# nothing already present is downloaded again; pip installs the pinned versions that are missing.
PY ?= python3
VENV ?= .venv
PYTHON = $(VENV)/bin/python
PIP = $(PYTHON) -m pip install --disable-pip-version-check -q

.PHONY: venv install install-test app test bench screenshots clean-venv

$(PYTHON):
	@$(PY) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else 1)' || { \
	  echo "Python 3.11, 3.12 ou 3.13 requis ($(PY) est $$($(PY) -V 2>&1)) : make PY=python3.12 app"; exit 1; }
	@$(PY) -m venv --system-site-packages $(VENV) >/dev/null 2>&1 || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "module venv absent : apt-get install python3-venv"; \
	    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PY) -m venv --system-site-packages $(VENV); \
	  else echo "module venv absent : sudo apt-get install python3-venv (Debian/Ubuntu), puis relancez"; exit 1; fi; }
	@echo "environnement virtuel créé : $(VENV)"

venv: $(PYTHON)

$(VENV)/.installed: $(PYTHON) requirements.txt pyproject.toml
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	@touch $@

install: $(VENV)/.installed

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PIP) -r requirements-test.txt
	@touch $@

install-test: $(VENV)/.installed-test
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium absent : sudo apt-get install chromium (le test navigateur sera ignoré)"; fi; }
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; \
	  else echo "postgresql absent : sudo apt-get install postgresql (les tests PostgreSQL seront ignorés)"; fi; }

app: install
	$(PYTHON) -m streamlit run app.py

test: install-test
	$(PYTHON) -m pytest -q

bench: install
	$(PYTHON) bench/bench_text.py

screenshots: install-test
	$(PYTHON) scripts/screenshots.py

clean-venv:
	rm -rf $(VENV)

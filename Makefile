# sire-git: `make demo` runs the demo, `make test` builds and runs the tests.
# Both install what they need when it is missing: Debian packages with apt-get, and (for the
# tests) the pinned Python peers in a project-local virtual environment.

# bubblewrap sandboxes workflow steps (controller --sandbox); util-linux's setpriv runs them as
# --step-user.
SYSTEM_PACKAGES := libgit2-dev libsqlite3-dev libyaml-dev pkg-config bubblewrap
# Real peers the tests drive: curl against the HTTP API, ssh-keygen and gpg for signed commits,
# GNU time for peak memory, python3 for the MCP, HTTP and schema peers (installed into
# $(VENV), never into the system); lighttpd (git http-backend over http and https, certificates
# from openssl) and openssh-server for private remotes.
TEST_PACKAGES := curl openssh-client gnupg time python3 lighttpd lighttpd-mod-openssl openssh-server openssl
SWIFT ?= swift
DEMO_DIR ?= $(CURDIR)/.build/demo-repo
VENV := $(CURDIR)/.build/venv
RELEASE_BINARY := $(CURDIR)/.build/release/sire-git
FORMAT_PATHS := Sources Tests Benchmarks Package.swift

.PHONY: all build test demo deps test-deps test-python install-missing lint format bench release clean

all: build

deps:
	@$(MAKE) --no-print-directory install-missing PACKAGES="$(SYSTEM_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory install-missing PACKAGES="$(TEST_PACKAGES)"

# The Python peers, pinned in fixtures/peers/requirements.txt; a second run installs nothing.
test-python: test-deps
	@bash scripts/test-python.sh "$(VENV)"

install-missing:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || command -v $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

# swift format (shipped with the toolchain) with the rules in .swift-format: any finding fails.
lint:
	$(SWIFT) format lint --strict --recursive --parallel $(FORMAT_PATHS)

format:
	$(SWIFT) format format --in-place --recursive --parallel $(FORMAT_PATHS)

# The unit tests use the debug build (@testable); every test that runs the sire-git binary
# runs the release build, the one users deploy. Tests run in parallel.
test: deps test-python lint
	$(SWIFT) build --build-tests
	$(SWIFT) build -c release --product sire-git
	SIRE_GIT_BINARY="$(RELEASE_BINARY)" SIRE_TEST_PYTHON="$(VENV)/bin/python3" $(SWIFT) test --skip-build --parallel

release: deps
	$(SWIFT) build -c release

bench: release
	$(SWIFT) run -c release --skip-build SireBench

demo: build
	@bash scripts/demo.sh "$(CURDIR)/.build/debug/sire-git" "$(DEMO_DIR)"

clean:
	rm -rf .build

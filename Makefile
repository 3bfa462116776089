# sire-git: `make demo` runs the demo, `make test` builds and runs the tests.
# Both install the Debian packages the build needs when they are missing.

SYSTEM_PACKAGES := libgit2-dev libsqlite3-dev libyaml-dev pkg-config
# Real peers the tests drive: curl against the HTTP API, ssh-keygen and gpg for signed commits.
TEST_PACKAGES := curl openssh-client gnupg
SWIFT ?= swift
DEMO_DIR ?= $(CURDIR)/.build/demo-repo

.PHONY: all build test demo deps test-deps install-missing bench release clean

all: build

deps:
	@$(MAKE) --no-print-directory install-missing PACKAGES="$(SYSTEM_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory install-missing PACKAGES="$(TEST_PACKAGES)"

install-missing:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

# Tests run one at a time: many of them wait on real processes (git, sire-git, python peers),
# and on a 2-core machine running them in parallel starves Swift's cooperative thread pool, so
# unrelated timing checks fail. Serially the whole suite takes about two and a half minutes.
test: deps test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel

release: deps
	$(SWIFT) build -c release

bench: release
	$(SWIFT) run -c release --skip-build SireBench

demo: build
	@bash scripts/demo.sh "$(CURDIR)/.build/debug/sire-git" "$(DEMO_DIR)"

clean:
	rm -rf .build

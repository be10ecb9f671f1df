# Entry points a newcomer needs; see README.md.
.PHONY: deps build image package test unit-test integration-test lab chaos

# Every build names itself: <release>+git<revision>[.dirty] (scripts/version.sh), compiled into
# --version and the *_build_info metrics through Package.swift.
export FAILOVER_KIT_VERSION := $(shell scripts/version.sh)

deps:
	scripts/install_deps.sh

build:
	swift build

image: deps
	scripts/with_dockerd.sh scripts/build_image.sh

## The release: dist/failoverd_<version>_amd64.deb, dist/onprem-api_<version>.tar and dist/SHA256SUMS.
package: deps
	scripts/with_dockerd.sh scripts/package.sh

## Unit tests (swift test) and integration tests against real dockerd/HAProxy/Prometheus/Alertmanager.
test: deps
	swift build --build-tests
	scripts/with_dockerd.sh scripts/tests/run_all.sh

unit-test:
	swift test

## The lab drill: the whole failover loop on loopback with the real components (scripts/lab.sh).
lab: deps
	scripts/with_dockerd.sh scripts/lab.sh

## The failure-mode matrix: every lab scenario (scripts/chaos.sh), and its WAN column at 100 ms ± 20 ms, 1 % loss;
## writes lab-work/<time>-chaos/matrix.md.
chaos: deps
	scripts/with_dockerd.sh scripts/chaos.sh --wan 100,20,1

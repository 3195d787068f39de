# Thin wrapper over Meson for newcomers: make, make test, make demo, make install.
BUILD ?= build
PREFIX ?= /usr/local
MESON_OPTS ?=

.PHONY: all deps test demo install clean

all: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX) $(MESON_OPTS)

test: all
	tests/run.sh $(BUILD)

demo: all
	scripts/demo.sh $(BUILD)

install: all
	meson configure $(BUILD) --prefix=$(PREFIX)
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD)

# Hindsight developer tasks. `make test` runs exactly what CI runs (.ci/run).

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
FUZZTIME ?= 20s
GOLANGCI_LINT_VERSION ?= v2.15.0

.PHONY: run demo build test lint bench fuzz docker clean

## run: start the server on 127.0.0.1:8080 with the data folder ./data
run:
	$(GO) run ./cmd/hindsight serve

## demo: start the server and fill an empty store with demo data
demo:
	$(GO) run ./cmd/hindsight serve --demo

## build: build ./bin/hindsight (pure Go, no cgo)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/hindsight ./cmd/hindsight

## test: the whole test suite, the same command as README.md and .ci/run
test:
	$(GO) test -race -count=1 -timeout 25m ./...

## lint: gofmt, go vet and golangci-lint (.golangci.yml: errcheck plus the default set)
lint:
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@lint="$$(command -v golangci-lint || echo "$$($(GO) env GOPATH)/bin/golangci-lint")"; \
	if [ -x "$$lint" ]; then "$$lint" run ./...; else \
		echo "golangci-lint missing: $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)"; exit 1; fi

## bench: every benchmark, with allocations
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## fuzz: run each fuzz target for FUZZTIME (default 20s)
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## docker: build the container image
docker:
	docker build -t hindsight:$(VERSION) .

clean:
	rm -rf bin

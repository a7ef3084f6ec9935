// Command vitals-ferretdb runs FerretDB 1.24 (SQLite backend) as the embedded
// MongoDB-compatible server of Vitals' development mode and test suite.
//
// The build (src/storage/embedded/embedded-ferretdb.ts) patches FerretDB so that
// _id lookups use the _id index instead of scanning the table, binary fields are
// stored as Ascii85, and the pages of dropped collections and deleted documents
// return to the file system.
//
// It wraps FerretDB's embeddable package rather than building cmd/ferretdb,
// because cmd/ferretdb built from the module proxy panics on its missing
// version.txt. The embeddable package never starts the telemetry reporter and
// has no debug listener. The process exits when its stdin closes, so it never
// outlives the Node.js process that started it, even after a SIGKILL.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// sqliteOptions come first in FerretDB's connection strings: SQLite runs the _pragma
// parameters in order, and one that reads the file before busy_timeout is set fails at once
// with SQLITE_BUSY while another connection writes (FerretDB appends its busy_timeout after
// the given ones). auto_vacuum(incremental), set when a database file is created, lets the
// patched FerretDB return the pages of dropped collections and deleted documents to the file
// system (patches/sqlite_free_pages.go.txt); a file created without it keeps its mode until a
// VACUUM.
const sqliteOptions = "_pragma=busy_timeout(10000)&_pragma=auto_vacuum(incremental)"

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "data/ferretdb", "directory of the SQLite databases")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		fail(err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dataDir + "/?" + sqliteOptions,
	})
	if err != nil {
		fail(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()

	go func() {
		// Run binds the listener; the URI is only known after that.
		fmt.Fprintln(os.Stdout, "ready", f.MongoDBURI())
	}()

	if err := f.Run(ctx); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "vitals-ferretdb:", err)
	os.Exit(1)
}

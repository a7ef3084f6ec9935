// Jest 29 ignores testTimeout inside a project; the e2e tier (real servers, child processes) needs more than the 5 s default.
jest.setTimeout(30_000);

"""Grade word2vec submissions: student code runs only in sandboxed child processes."""

/* Private to src/store: the backend operations table. (stub) */

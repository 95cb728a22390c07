;; An infinite loop in _start: never exits by itself; the runner must be able
;; to kill it (timeout / SIGKILL / worker.terminate()).
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $forever (br $forever))))

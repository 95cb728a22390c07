/* false: exits 1. Like POSIX false, it ignores its operands and options. */
int main(void) { return 1; }

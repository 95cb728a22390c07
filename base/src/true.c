/* true: exits 0. Like POSIX true, it ignores its operands and options. */
int main(void) { return 0; }

// placeholder, written next
int main() { return 0; }

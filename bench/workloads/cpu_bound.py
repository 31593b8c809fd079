"""CPU-bound code that raises no audit events: recursion and a loop."""


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


total = 0
for i in range(300_000):
    total += i * i % 7
print(fib(24), total)

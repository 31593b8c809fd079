"""Prints what CPython's built-in hash modules (_md5, _sha1, _sha2 or
_sha256/_sha512, _sha3, _blake2: CPython's own code, not OpenSSL's) compute
over seeded random inputs, stream splits, mid-stream copies and digests,
SHAKE lengths and every BLAKE2 parameter, including the errors refused
parameters raise: one line each, for test_builtin_hashes.py to compare
between vigil-python and the stock interpreter.

Usage: builtin_hash_digests.py SEED ROUNDS"""

import importlib
import random
import sys

MODULES = {
    "_md5": ["md5"],
    "_sha1": ["sha1"],
    "_sha2": ["sha224", "sha256", "sha384", "sha512"],  # 3.12+
    "_sha256": ["sha224", "sha256"],  # up to 3.11
    "_sha512": ["sha384", "sha512"],
    "_sha3": ["sha3_224", "sha3_256", "sha3_384", "sha3_512", "shake_128", "shake_256"],
    "_blake2": ["blake2b", "blake2s"],
}


def constructors():
    found = {}
    for module_name, names in MODULES.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in names:
            found["%s.%s" % (module_name, name)] = getattr(module, name)
    return found


def outcome(call):
    try:
        return call()
    except Exception as error:  # the refusal itself is compared
        return "%s: %s" % (type(error).__name__, error)


def lengths(rng, block_size):
    edges = [0, 1, block_size - 1, block_size, block_size + 1, 2 * block_size, 3 * block_size + 7]
    return edges + [rng.randrange(0, 4 * block_size) for _ in range(3)] + [rng.randrange(0, 70000)]


def final_digests(hash_object, shake_lengths):
    if shake_lengths:  # a SHAKE digest does not end the stream: each length twice
        return ["%d:%s" % (n, hash_object.hexdigest(n)) for n in shake_lengths + shake_lengths[::-1]]
    return [hash_object.hexdigest(), hash_object.digest().hex()]


def stream(rng, hash_object, data, shake_lengths, emit, label):
    """Feeds data in random pieces, digesting and copying mid-stream."""
    position = 0
    while position < len(data):
        piece = rng.choice([1, 2, 63, 64, 65, 127, 128, 129, rng.randrange(1, 5000)])
        hash_object.update(memoryview(data)[position:position + piece])
        position += piece
        if rng.random() < 0.3:
            emit(label, "mid", *final_digests(hash_object, shake_lengths))
        if rng.random() < 0.2:
            copy = hash_object.copy()
            tail = rng.randbytes(rng.randrange(0, 300))
            copy.update(tail)
            emit(label, "copy", *final_digests(copy, shake_lengths))
    emit(label, "final", *final_digests(hash_object, shake_lengths))
    emit(label, "sizes", hash_object.name, hash_object.digest_size, hash_object.block_size)


def blake2_parameters(rng, constructor, wide):
    """Random valid parameters, each present or left to its default."""
    choices = {
        "digest_size": lambda: rng.choice([1, constructor.MAX_DIGEST_SIZE, rng.randint(1, constructor.MAX_DIGEST_SIZE)]),
        "key": lambda: rng.randbytes(rng.choice([0, 1, constructor.MAX_KEY_SIZE, rng.randint(0, constructor.MAX_KEY_SIZE)])),
        "salt": lambda: rng.randbytes(rng.randint(0, constructor.SALT_SIZE)),
        "person": lambda: rng.randbytes(rng.randint(0, constructor.PERSON_SIZE)),
        "fanout": lambda: rng.choice([0, 1, 2, 255, rng.randint(0, 255)]),
        "depth": lambda: rng.choice([1, 2, 255, rng.randint(1, 255)]),
        "leaf_size": lambda: rng.choice([0, 1, 2**32 - 1, rng.randrange(2**32)]),
        "node_offset": lambda: rng.choice([0, 1, 2**wide - 1, rng.randrange(2**wide)]),
        "node_depth": lambda: rng.choice([0, 1, 255, rng.randint(0, 255)]),
        "inner_size": lambda: rng.choice([0, constructor.MAX_DIGEST_SIZE, rng.randint(0, constructor.MAX_DIGEST_SIZE)]),
        "last_node": lambda: rng.random() < 0.5,
        "usedforsecurity": lambda: rng.random() < 0.5,
    }
    return {name: choose() for name, choose in choices.items() if rng.random() < 0.5}


def blake2_refusals(constructor, wide):
    too_long = {"key": constructor.MAX_KEY_SIZE + 1, "salt": constructor.SALT_SIZE + 1,
                "person": constructor.PERSON_SIZE + 1}
    cases = [{"digest_size": 0}, {"digest_size": constructor.MAX_DIGEST_SIZE + 1}, {"fanout": 256},
             {"fanout": -1}, {"depth": 0}, {"depth": 256}, {"leaf_size": 2**32}, {"node_offset": 2**wide},
             {"node_depth": 256}, {"inner_size": constructor.MAX_DIGEST_SIZE + 1}]
    cases += [{name: b"x" * length} for name, length in too_long.items()]
    return cases


def main():
    seed, rounds = int(sys.argv[1]), int(sys.argv[2])
    found = constructors()
    print("constructors", *sorted(found))

    def emit(*fields):
        print(*fields)

    for label, constructor in sorted(found.items()):
        rng = random.Random("%d %s" % (seed, label))
        is_shake = label.startswith("_sha3.shake")
        is_blake2 = label.startswith("_blake2")
        # BLAKE2s's node offset has 48 bits (larger ones are refused), BLAKE2b's 64.
        wide = 48 if label.endswith("blake2s") else 64
        block_size = constructor().block_size
        for round_number in range(rounds):
            for length in lengths(rng, block_size):
                data = rng.randbytes(length)
                shake_lengths = ([0, 1, 16, 32, 64, rng.randrange(1, 1000), block_size, block_size + 1]
                                 if is_shake else None)
                parameters = blake2_parameters(rng, constructor, wide) if is_blake2 else {}
                case = "%s r%d n%d %s" % (label, round_number, length, sorted(parameters.items()))
                if rng.random() < 0.5:  # the first piece given to the constructor
                    first = rng.randrange(0, length + 1)
                    hash_object = constructor(data[:first], **parameters)
                    data = data[first:]
                else:
                    hash_object = constructor(**parameters)
                stream(rng, hash_object, data, shake_lengths, emit, case)
        if is_blake2:
            for parameters in blake2_refusals(constructor, wide):
                emit(label, "refused", sorted(parameters.items()), outcome(lambda: constructor(**parameters)))
            emit(label, "constants", constructor.SALT_SIZE, constructor.PERSON_SIZE,
                 constructor.MAX_KEY_SIZE, constructor.MAX_DIGEST_SIZE)


if __name__ == "__main__":
    main()

"""Every schedule against its framework's documented formula, written out here (float64)."""

from __future__ import annotations

import math

import pytest

from optarena.schedules import create

COUNTS = [0, 1, 2, 3, 5, 7, 10, 11, 29, 30, 31, 59, 60, 99, 100, 101, 250]
LR = 0.1


def close(actual: float, expected: float) -> bool:
    return math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-15)


def check(schedule, reference, counts=COUNTS) -> None:
    for t in counts:
        assert close(schedule(t), reference(t)), (t, schedule(t), reference(t))


def test_constant():
    check(create("constant", LR), lambda t: LR)


@pytest.mark.parametrize("gamma", [0.1, 0.5])
def test_step_paddle_step_decay(gamma):
    # Paddle StepDecay: lr * gamma ** floor(epoch / step_size)
    check(create("step", LR, step_size=30, gamma=gamma), lambda t: LR * gamma ** (t // 30))


def test_multistep_paddle_multistep_decay():
    # Paddle MultiStepDecay: lr while t < m0, lr*g while m0 <= t < m1, lr*g^2 after m1
    def reference(t):
        if t < 30:
            return LR
        if t < 60:
            return LR * 0.5
        if t < 100:
            return LR * 0.25
        return LR * 0.125

    check(create("multistep", LR, milestones=[30, 60, 100], gamma=0.5), reference)


def test_exponential_paddle():
    # Paddle ExponentialDecay: lr * gamma ** epoch
    check(create("exponential", LR, gamma=0.97), lambda t: LR * 0.97**t)


@pytest.mark.parametrize("staircase", [False, True])
def test_exponential_keras(staircase):
    # Keras ExponentialDecay: lr * decay_rate ** (step / decay_steps), floored when staircase
    s = create("exponential", LR, decay_rate=0.96, decay_steps=7, staircase=staircase)

    def reference(t):
        p = math.floor(t / 7) if staircase else t / 7
        return LR * 0.96**p

    check(s, reference)
    if staircase:
        assert s(6) == LR and s(7) < LR


def test_natural_exp_paddle():
    # Paddle NaturalExpDecay: lr * e ** (-gamma * epoch)
    check(create("natural-exp", LR, gamma=0.05), lambda t: LR * math.e ** (-0.05 * t))


def test_inverse_time_paddle():
    # Paddle InverseTimeDecay: lr / (1 + gamma * epoch)
    check(create("inverse-time", LR, gamma=0.5), lambda t: LR / (1 + 0.5 * t))


@pytest.mark.parametrize("power", [1.0, 2.0, 0.5])
def test_polynomial_paddle_no_cycle(power):
    # Paddle PolynomialDecay, cycle=False: epoch = min(epoch, decay_steps)
    end = 1e-4

    def reference(t):
        e = min(t, 30)
        return (LR - end) * (1 - e / 30) ** power + end

    check(create("polynomial", LR, decay_steps=30, power=power), reference)
    assert close(create("polynomial", LR, decay_steps=30)(1000), end)


def test_polynomial_paddle_cycle():
    # Paddle PolynomialDecay, cycle=True: decay_steps *= ceil(epoch / decay_steps), 1 at epoch 0
    end, steps, power = 0.001, 30, 2.0

    def reference(t):
        div = 1 if t == 0 else math.ceil(t / steps)
        d = steps * div
        return (LR - end) * (1 - t / d) ** power + end

    s = create("polynomial", LR, decay_steps=steps, end_lr=end, power=power, cycle=True)
    check(s, reference)
    assert close(s(0), LR) and close(s(30), end)  # end of the first period
    assert s(31) > s(30)  # climbs back up: the period doubles to 60


def test_piecewise_paddle():
    # Paddle PiecewiseDecay example: boundaries [100, 200], values [1.0, 0.5, 0.1]
    def reference(t):
        if t < 100:
            return 1.0
        if t < 200:
            return 0.5
        return 0.1

    check(create("piecewise", LR, boundaries=[100, 200], values=[1.0, 0.5, 0.1]), reference)
    assert create("piecewise", LR, boundaries=[100, 200], values=[1.0, 0.5, 0.1])(200) == 0.1


def test_lambda_paddle_lambda_decay(user_module):
    # Paddle LambdaDecay / torch LambdaLR: lr * lr_lambda(epoch)
    check(create("lambda", LR, lr_lambda=lambda t: 0.95**t), lambda t: LR * 0.95**t)
    by_path = create("lambda", LR, lr_lambda=f"{user_module}:halve_every_3")
    check(by_path, lambda t: LR * 0.5 ** (t // 3))


def test_multiplicative_torch(user_module):
    # torch MultiplicativeLR: lr_t = lr_{t-1} * factor(t) for t >= 1
    check(create("multiplicative", LR, factor=0.9), lambda t: LR * 0.9**t)

    def reference(t):
        lr = LR
        for k in range(1, t + 1):
            lr *= 0.9 if k % 2 == 0 else 0.8
        return lr

    check(create("multiplicative", LR, factor=f"{user_module}:shrink"), reference)


def test_adjust_lr_tutorial():
    # the tutorial's Adjust_lr: multiply by 0.95 every 2 epochs
    check(create("adjust-lr", LR), lambda t: LR * 0.95 ** (t // 2))
    check(create("adjust-lr", LR, every=5, factor=0.5), lambda t: LR * 0.5 ** (t // 5))


def test_noam_paddle():
    # Paddle NoamDecay: lr * d_model^-0.5 * min(epoch^-0.5, epoch * warmup^-1.5); a = 1 at 0
    def reference(t):
        a = 1.0 if t == 0 else t**-0.5
        return 2.0 * 512**-0.5 * min(a, t * 40**-1.5)

    s = create("noam", 2.0, d_model=512, warmup_steps=40)
    check(s, reference)
    assert s(0) == 0.0
    assert max(s(t) for t in range(100)) == s(40)  # peak at warmup_steps


@pytest.mark.parametrize("eta_min", [0.0, 0.01])
def test_cosine_paddle_cosine_annealing(eta_min):
    # eta_min + (lr - eta_min) * (1 + cos(pi * t / T_max)) / 2, continued past T_max
    def reference(t):
        return eta_min + (LR - eta_min) * (1 + math.cos(math.pi * t / 60)) / 2

    s = create("cosine", LR, T_max=60, eta_min=eta_min)
    check(s, reference)
    assert close(s(60), eta_min) and close(s(120), LR)


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_cosine_restarts_sgdr(T_mult):
    # SGDR: T_i = T_0 * T_mult^i; T_cur counts since the last restart
    T_0, eta_min = 7, 0.001

    def reference(t):
        start, length = 0, T_0
        while t >= start + length:
            start += length
            length *= T_mult
        return eta_min + (LR - eta_min) * (1 + math.cos(math.pi * (t - start) / length)) / 2

    s = create("cosine-restarts", LR, T_0=T_0, T_mult=T_mult, eta_min=eta_min)
    check(s, reference, COUNTS + [6, 7, 8, 20, 21, 22, 27, 28])
    assert close(s(T_0), LR)  # restart


def test_linear_warmup_paddle():
    # Paddle LinearWarmup: start + (end - start) * t / warmup while t < warmup, then after(t - w)
    after = {"name": "cosine", "params": {"T_max": 50}}
    s = create("linear-warmup", LR, warmup_steps=10, start_lr=0.001, end_lr=0.2, after=after)

    def reference(t):
        if t < 10:
            return 0.001 + (0.2 - 0.001) * t / 10
        return LR * (1 + math.cos(math.pi * (t - 10) / 50)) / 2

    check(s, reference)


def test_linear_warmup_after_forms():
    cosine = create("cosine", 0.05, T_max=20)
    by_object = create("linear-warmup", LR, warmup_steps=5, after=cosine)
    by_name = create("linear-warmup", 0.05, warmup_steps=5, after="constant")
    by_float = create("linear-warmup", LR, warmup_steps=5, after=0.03)
    default = create("linear-warmup", LR, warmup_steps=5)
    for t in range(5):
        assert close(default(t), LR * t / 5)
    for t in range(5, 40):
        assert close(by_object(t), cosine(t - 5))
        assert by_name(t) == 0.05 and by_float(t) == 0.03 and default(t) == LR


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_one_cycle_torch(strategy):
    # torch OneCycleLR (three_phase=False): phase ends at pct*T - 1 and T - 1
    T, pct, div, final_div, peak = 100, 0.25, 25.0, 1e4, 0.4
    initial, low = peak / div, peak / div / final_div
    up_end, down_end = pct * T - 1, T - 1

    def anneal(a, b, p):
        if strategy == "cos":
            return b + (a - b) / 2 * (math.cos(math.pi * p) + 1)
        return (b - a) * p + a

    def reference(t):
        if t <= up_end:
            return anneal(initial, peak, t / up_end)
        return anneal(peak, low, (min(t, down_end) - up_end) / (down_end - up_end))

    s = create("one-cycle", LR, max_lr=peak, total_steps=T, pct_start=pct, anneal_strategy=strategy)
    check(s, reference, [t for t in COUNTS if t < 150] + [24, 25, 98, 99])
    assert close(s(0), initial) and close(s(24), peak) and close(s(99), low)
    assert close(create("one-cycle", LR, total_steps=T)(29), LR)  # max_lr defaults to base_lr


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
def test_clr_smith(mode):
    # Smith 2017: cycle = floor(1 + t / 2s), x = |t/s - 2 cycle + 1|,
    # lr = base + (max - base) * max(0, 1 - x) * scale
    base, top, s_, gamma = 0.01, 0.1, 8, 0.99

    def reference(t):
        cycle = math.floor(1 + t / (2 * s_))
        x = abs(t / s_ - 2 * cycle + 1)
        scale = {"triangular": 1.0, "triangular2": 1 / 2 ** (cycle - 1), "exp_range": gamma**t}
        return base + (top - base) * max(0.0, 1 - x) * scale[mode]

    s = create("clr", base, max_lr=top, step_size=s_, mode=mode, gamma=gamma)
    check(s, reference, COUNTS + [4, 8, 16, 24, 32, 40])
    assert close(s(0), base) and close(s(8), top if mode != "exp_range" else reference(8))


@pytest.mark.parametrize("min_lr", [0.0, 0.001])
def test_warmup_cosine_optax(min_lr):
    # optax warmup_cosine_decay_schedule(init=0, peak=lr, warmup, decay_steps=total, end=min_lr)
    W, T = 10, 60

    def reference(t):
        if t < W:
            return LR * t / W
        if t >= T:
            return min_lr
        return min_lr + (LR - min_lr) * 0.5 * (1 + math.cos(math.pi * (t - W) / (T - W)))

    s = create("warmup-cosine", LR, warmup_steps=W, total_steps=T, min_lr=min_lr)
    check(s, reference)
    assert close(s(W), LR) and close(s(T), min_lr)


def test_wsd():
    # warmup 10, stable to 80, linear decay over the last 0.2 * 100 = 20 counts to min_lr
    W, T, D, low = 10, 100, 20, 0.001

    def reference(t):
        if t < W:
            return LR * t / W
        if t < T - D:
            return LR
        if t >= T:
            return low
        return LR + (low - LR) * (t - (T - D)) / D

    s = create("wsd", LR, warmup_steps=W, total_steps=T, decay_frac=0.2, min_lr=low)
    check(s, reference, COUNTS + [79, 80, 81, 90])
    assert s(79) == LR and close(s(90), (LR + low) / 2)

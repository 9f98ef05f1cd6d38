"""Does the gradient-checking kit agree with derivatives known in closed form?"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from grader_tests.core import gradcheck

POINTS = [(0.3, -1.2), (2.0, 0.5), (-1.0, 1.0)]


def f_numpy(p: np.ndarray) -> float:
    return math.sin(p[0]) * math.exp(p[1]) + p[0] ** 3


def f_torch(p: torch.Tensor) -> torch.Tensor:
    return torch.sin(p[0]) * torch.exp(p[1]) + p[0] ** 3


def f_grad(p: np.ndarray) -> np.ndarray:
    """d/dp0 = cos(p0) e^p1 + 3 p0^2; d/dp1 = sin(p0) e^p1."""
    return np.array(
        [
            math.cos(p[0]) * math.exp(p[1]) + 3 * p[0] ** 2,
            math.sin(p[0]) * math.exp(p[1]),
        ]
    )


@pytest.mark.parametrize("point", POINTS)
def test_finite_differences_match_the_derivative(point):
    """Are central differences in float64 within 1e-8 of the exact derivative?"""
    numeric = gradcheck.numerical_gradient(f_numpy, point)
    assert gradcheck.relative_error(numeric, f_grad(np.array(point))) < 1e-8


@pytest.mark.parametrize("point", POINTS)
def test_autograd_matches_the_derivative(point):
    """Is the float64 autograd gradient the exact derivative up to rounding?"""
    auto = gradcheck.autograd_gradient(f_torch, point)
    assert gradcheck.relative_error(auto, f_grad(np.array(point))) < 1e-14


@pytest.mark.parametrize("point", POINTS)
def test_layers_agree_for_a_right_formula(point):
    """Do formula, autograd and finite differences agree when the formula is right?"""
    layers = gradcheck.gradient_layers(f_torch, f_grad, point)
    assert layers.max_relative_error() < gradcheck.AGREEMENT_RTOL


@pytest.mark.parametrize("wrong", [lambda g: 2 * g, lambda g: -g, lambda g: g[::-1]])
def test_layers_disagree_for_a_wrong_formula(wrong):
    """Does a formula that is off by 2, the sign, or swapped stand out?"""
    layers = gradcheck.gradient_layers(f_torch, lambda p: wrong(f_grad(p)), POINTS[0])
    assert layers.max_relative_error() > 0.1
    assert gradcheck.relative_error(layers.autograd, layers.finite_difference) < 1e-8


def test_relative_error_scale():
    """Is the relative error 0 for equal values, 1 for opposite ones, 0 for zeros?"""
    assert gradcheck.relative_error([1.0, -2.0], [1.0, -2.0]) == 0.0
    assert gradcheck.relative_error([3.0], [-3.0]) == 1.0
    assert gradcheck.relative_error([0.0], [0.0]) == 0.0
    assert gradcheck.relative_error([1.0, 100.0], [1.0, 101.0]) == pytest.approx(
        1 / 201
    )


def test_float32_would_not_do():
    """Is float64 needed? In float32 the same differences miss by far more."""

    def f32(p: np.ndarray) -> float:
        return float(f_torch(torch.tensor(p, dtype=torch.float32)))

    point = np.array(POINTS[0])
    err32 = gradcheck.relative_error(
        gradcheck.numerical_gradient(f32, point), f_grad(point)
    )
    err64 = gradcheck.relative_error(
        gradcheck.numerical_gradient(f_numpy, point), f_grad(point)
    )
    assert err32 > 1e3 * err64

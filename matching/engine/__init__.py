"""The matching engine: pure Python and numpy/scipy, no Django models and no database.

The service layer turns enrollments into ``Mentee``/``Mentor`` records and a ``ProgramSettings``, calls
``solve`` and stores the ``MatchResult``; ``explain`` turns scores into sentences. Modules:

- types.py        the records going in and out
- constraints.py  the pair rules no proposal may break
- scoring.py      compatibility points and their reasons, one pair at a time
- pairs.py        the same scores and rules for whole blocks of pairs (numpy)
- candidates.py   each mentee's and mentor's short list, with bounds on everything left out
- exact.py        exact optimisation on a short list (SciPy's LAPJVsp) and the prices that prove it
- solver.py       the whole run: locks, short lists, exact solve, pricing out the rest, the result
- greedy.py       the best-pair-first baseline
- explain.py      plain-English reasons, penalties and "unmatched because ..."
- synthetic.py    random but plausible programs for benchmarks
"""

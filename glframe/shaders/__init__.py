"""shaders: the modular GLSL composer (Function, Variable, Varying, hooks).

Not built yet: see the shaders-and-transforms issue. Nothing here is public.
"""

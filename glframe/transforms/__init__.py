"""transforms: bijective transforms, mapped with numpy and in GLSL.

Not built yet: see the shaders-and-transforms issue. Nothing here is public.
"""

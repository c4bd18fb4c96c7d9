"""scene: scene graph, visuals, cameras, views.

Not built yet: see the scene issue. Nothing here is public.
"""

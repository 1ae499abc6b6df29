"""The demo's shared wall layout: made once, of the city's cameras, shared with everyone."""

from __future__ import annotations


def test_demo_wall_layout_is_seeded_once(backend):
    from backend.cameras.demo import DEMO_LAYOUT, add_demo_cameras, add_demo_layout
    from backend.cameras.models import WallLayout

    with backend.sessionmaker() as s:
        assert add_demo_cameras(s) == 15
        add_demo_layout(s)
        add_demo_layout(s)
        s.commit()
        layouts = s.query(WallLayout).filter_by(name=DEMO_LAYOUT).all()
    assert len(layouts) == 1
    assert layouts[0].shared and layouts[0].grid == "3x3" and len(layouts[0].tiles) == 9

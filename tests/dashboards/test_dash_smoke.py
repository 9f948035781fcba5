from pathlib import Path

from conftest import viewer_of
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")


def test_smoke(app_env):
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["viewer"] = viewer_of("admin-d1")
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    for page in ["incentive_board", "incentive_details", "statements", "indicators",
                 "customer_board", "customer_warnings", "sub_customers"]:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, at.exception)
        print(page, [m.value for m in at.metric], [t.value for t in at.title])

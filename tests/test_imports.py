import subprocess
import sys


def test_numpy_only_modules_import_without_bambi_or_pymc():
    code = ("import sys; import course_lib.data, course_lib.simulate, course_lib.pooling, "
            "course_lib.plots, course_lib.widgets, course_lib.shrinkage, course_lib.models; "
            "heavy = [m for m in ('bambi', 'pymc', 'pytensor', 'arviz', 'statsmodels') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

import io

from PIL import Image

from bot.charts import Bar, bar_chart


def test_a_bar_chart_is_a_png_whose_content_follows_the_values() -> None:
    low = bar_chart([Bar("Mixing", 1), Bar("Mastering", 0)], title="Skills", maximum=3)
    high = bar_chart([Bar("Mixing", 3), Bar("Mastering", 3)], title="Skills", maximum=3)
    image = Image.open(io.BytesIO(low))
    assert image.format == "PNG"
    assert image.size[0] == 600 and image.size[1] > 200
    assert low != high

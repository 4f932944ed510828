"""Words of the Import page about reading files safely: text encodings and notes."""

MESSAGES: dict[str, tuple[str, str]] = {
    "import.encoding": ("Text encoding", "文本编码"),
    "import.encoding_help": (
        "Detected from the whole file. If names look wrong (Mü becomes M黮, Łódź becomes £ódŸ), choose the "
        "encoding the file was saved in.",
        "根据整个文件判断。如果名称显示为乱码（例如 Müller 变成 M黮ler），请选择文件保存时使用的编码。"),
    "import.encoding_detected": ("{encoding} (detected)", "{encoding}（自动识别）"),
}

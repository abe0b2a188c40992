from matchmaking.listings.search import index_tokens, search_terms, term_tokens


def test_chinese_is_indexed_as_characters_and_bigrams_and_latin_as_words():
    assert index_tokens("猕猴桃 IoT冷链") == "猕 猴 桃 猕猴 猴桃 iot 冷 链 冷链"


def test_full_width_letters_fold_to_ascii():
    assert index_tokens("ＡＩ客服") == "ai 客 服 客服"


def test_a_term_needs_all_its_bigrams():
    assert term_tokens("猕猴桃") == ["猕猴", "猴桃"]
    assert term_tokens("茶") == ["茶"]
    assert term_tokens("RFID标签") == ["rfid", "标签"]


def test_query_terms_split_on_spaces_and_chinese_punctuation():
    assert search_terms("猕猴桃，冷链  物流") == ["猕猴桃", "冷链", "物流"]
    assert search_terms("   ") == []

"""The queries of the search benchmarks (bench/search_cold.py, and make bench's search scenarios):
ten of each kind an official types, and ten beginnings typed into the search box."""

SEARCHES = {
    "common word": ["服务", "治理", "教育", "农村", "发展", "建设", "管理", "工作", "推进", "文化"],
    "two words": [
        "农村 养老",
        "乡村 治理",
        "教育 均衡",
        "垃圾 分类",
        "饮水 安全",
        "文化 服务",
        "留守 关爱",
        "医疗 卫生",
        "就业 扶贫",
        "人居 环境",
    ],
    "colloquial question": [
        "老人吃饭难",
        "孩子上学",
        "村民办事不出村",
        "吃水难",
        "农村垃圾怎么处理",
        "老人没人照顾怎么办",
        "如何防止返贫",
        "农村学校太小",
        "看病难怎么办",
        "厕所怎么改",
    ],
    "synonym-expanded": [
        "敬老院",
        "老年食堂",
        "留守孩子",
        "厕所革命",
        "自来水",
        "一站式服务",
        "幼儿园",
        "医共体",
        "积分制",
        "农村环卫",
    ],
}
SUGGESTED = ["养", "留守", "河", "yang", "教育", "四川", "垃圾", "文化", "扶", "医"]

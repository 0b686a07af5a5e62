// The smallest useful discwright program: a folder into an ISO 9660 + Joliet + Rock Ridge
// image, with per-file progress. Usage: make_image FOLDER OUT.iso
#include <cstdio>

#include <discwright/file_system_image.h>
#include <discwright/file_system_image_result.h>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s FOLDER OUT.iso\n", argv[0]);
        return 1;
    }
    try {
        discwright::ImageOptions options;
        options.max_media_blocks = 0; // an image file has no medium to fill
        discwright::FileSystemImage image(options);
        image.root().add_tree(argv[1]);
        auto result = image.create_result_image();
        result.write_to_file(argv[2], [](const discwright::Event& e) {
            if (auto* f = std::get_if<discwright::FileProgressEvent>(&e))
                if (f->copied_sectors == f->total_sectors)
                    std::printf("%s: %llu blocks\n", f->path.c_str(),
                                static_cast<unsigned long long>(f->total_sectors));
        });
        std::printf("%s: %llu blocks\n", argv[2],
                    static_cast<unsigned long long>(result.total_blocks().value));
        return 0;
    } catch (const discwright::Error& e) {
        std::fprintf(stderr, "make_image: %s\n", e.what());
        return discwright::exit_status(e.category());
    }
}
